import { TekenError } from '../../shared/errors'
import type { SigningIdentity } from '../pdf/sign'
import type { Vault } from '../vault/vault'

/** A vault item as a PDF signing identity: its private key with the certificate chain a signature embeds. */
export async function signingIdentity(vault: Vault, ref: string): Promise<SigningIdentity & { name: string }> {
  const { item, key, certificates } = await vault.privateKey(ref)
  if (!certificates.length) throw new TekenError('PDF_IDENTITY_WITHOUT_CERTIFICATE', `"${item.name}" is a bare key; signing a PDF needs a PKCS#12 identity with its certificate.`)
  return { privateKey: key, certificates, name: item.name }
}
