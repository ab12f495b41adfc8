export { exportEncryptedPkcs8, exportPublicKey, generateRsaKey, publicKeyFingerprint } from './export-key'
export { importPrivateKey } from './import-key'
export { exportPkcs12 } from './pkcs12'
export type { ImportedKey, KeySourceFormat, PublicKeyFormat } from './types'
