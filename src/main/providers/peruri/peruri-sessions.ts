import { createHash } from 'node:crypto'
import { basename, extname } from 'node:path'
import type { DocumentHandle, PeruriOrderStatus, SignatureBox, VerificationView } from '../../../shared/contract'
import { TekenError } from '../../../shared/errors'
import type { AuditLog } from '../../audit/audit-log'
import type { OpenDocuments } from '../../documents/open-documents'
import type { PeruriClient } from './peruri-client'
import { signerFromPlacement, type PeruriSigner } from './protocol'

export interface PeruriSessionsOptions {
  /** The client of a Peruri environment (one per environment, so its JWT cache is shared). */
  client(env: string): Promise<PeruriClient>
  documents: OpenDocuments
  verify(docId: string): Promise<VerificationView>
  audit: AuditLog
}

/** An order this app sent, with what the later steps need and the renderer must not hold. */
interface SentOrder {
  fileName: string
  sha256Before: string
  /** One signer for a single document; a tier's signers in signing order. */
  signers: { email: string; boxes: PeruriSigner[] }[]
  tier: boolean
  /** How many signers have signed through this app: the index of whose turn it is. */
  turn: number
  /** The latest Get OTP token: Signing needs it next to the code, and it never leaves main. */
  otpToken?: string
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

const peruriSigners = (boxes: SignatureBox[]): PeruriSigner[] => boxes.map((box) => signerFromPlacement({ ...box, page: box.pageNumber }))

/**
 * The app's Peruri document flow, one IPC call per step: send → get OTP → sign (with the code the
 * user types) → status → download. Between the steps main keeps, per environment and order, the
 * boxes, whose turn it is and the OTP token, so the renderer only ever handles order ids and codes.
 */
export function createPeruriSessions(options: PeruriSessionsOptions) {
  const orders = new Map<string, SentOrder>()
  const keyOf = (env: string, orderId: string) => JSON.stringify([env, orderId])

  function sent(env: string, orderId: string): SentOrder {
    const order = orders.get(keyOf(env, orderId))
    if (!order) throw new TekenError('INVALID_REQUEST', `Order ${orderId} was not sent to Peruri environment "${env}" from this app session; send the document again.`)
    return order
  }

  async function remember(env: string, docId: string, send: (peruri: PeruriClient, document: { fileName: string; bytes: Buffer }) => Promise<{ orderId: string }>, order: Pick<SentOrder, 'signers' | 'tier'>) {
    const document = options.documents.get(docId)
    const { orderId } = await send(await options.client(env), document)
    orders.set(keyOf(env, orderId), { ...order, fileName: document.fileName, sha256Before: sha256(document.bytes), turn: 0 })
    return { orderId }
  }

  async function status(env: string, orderId: string): Promise<PeruriOrderStatus> {
    const answer = await (await options.client(env)).checkDocumentStatus(orderId)
    const order = orders.get(keyOf(env, orderId))
    // Peruri's own status wins; seed 003 promises only resultDesc, so otherwise count the signatures made here.
    const complete = answer.status !== undefined ? answer.status === 'SIGNED' : order !== undefined && order.turn >= order.signers.length
    const nextSigner = complete ? undefined : (answer.nextSigner ?? order?.signers[order.turn]?.email)
    return {
      orderId,
      resultDesc: answer.resultDesc,
      ...(answer.status ? { status: answer.status } : {}),
      ...(answer.signedBy ? { signedBy: answer.signedBy } : {}),
      ...(nextSigner ? { nextSigner } : {}),
      ...(order?.tier ? { tierSigners: order.signers.map((signer) => signer.email) } : {}),
      complete,
    }
  }

  return {
    send: (input: { env: string; docId: string; email: string; boxes: SignatureBox[] }) => {
      const boxes = peruriSigners(input.boxes)
      return remember(input.env, input.docId, (peruri, { fileName, bytes }) => peruri.sendDocument({ email: input.email, fileName, document: bytes, signer: boxes }), { signers: [{ email: input.email, boxes }], tier: false })
    },

    sendTier: (input: { env: string; docId: string; uploader: string; signers: { email: string; boxes: SignatureBox[] }[] }) => {
      const signers = input.signers.map((signer) => ({ email: signer.email, boxes: peruriSigners(signer.boxes) }))
      return remember(
        input.env,
        input.docId,
        (peruri, { fileName, bytes }) => peruri.sendDocumentTier({ uploader: input.uploader, fileName, document: bytes, signers: signers.map((signer) => signer.email) }),
        { signers, tier: true },
      )
    },

    /** Peruri sends the code to the signer whose turn it is; a new request replaces the previous token. */
    async requestOtp(input: { env: string; orderId: string }): Promise<{ signer: string; phone?: string }> {
      const order = sent(input.env, input.orderId)
      const signer = order.signers[order.turn]
      if (!signer) throw new TekenError('INVALID_REQUEST', `Every signer of order ${input.orderId} has signed already.`)
      const { token, phone } = await (await options.client(input.env)).getOtp(input.orderId)
      order.otpToken = token
      return { signer: signer.email, ...(phone ? { phone } : {}) }
    },

    /** Signs with the code; a wrong code keeps the token for another try, an expired or used-up one drops it. */
    async sign(input: { env: string; orderId: string; otp: string }): Promise<PeruriOrderStatus> {
      const order = sent(input.env, input.orderId)
      const signer = order.signers[order.turn]
      if (!signer) throw new TekenError('INVALID_REQUEST', `Every signer of order ${input.orderId} has signed already.`)
      const token = order.otpToken
      if (!token) throw new TekenError('PERURI_OTP_EXPIRED', `No OTP is pending for order ${input.orderId}; ask for a new code.`)
      const peruri = await options.client(input.env)
      try {
        if (order.tier) await peruri.signingTier({ orderId: input.orderId, otpCode: input.otp, token, signer: signer.boxes })
        else await peruri.signing({ orderId: input.orderId, otpCode: input.otp, token })
      } catch (error) {
        if (error instanceof TekenError && error.code === 'PERURI_OTP_EXPIRED') order.otpToken = undefined
        throw error
      }
      order.otpToken = undefined
      order.turn += 1
      return status(input.env, input.orderId)
    },

    status: (input: { env: string; orderId: string }) => status(input.env, input.orderId),

    /**
     * The signing web view (seed 003 §8) reported success for the signer whose turn it was: that turn
     * is over unless Peruri's own status says that signer has not signed. Then the flow goes on as
     * after the Signing API: status, download, verify.
     */
    async webViewSigned(input: { env: string; orderId: string }): Promise<PeruriOrderStatus> {
      const order = sent(input.env, input.orderId)
      const signer = order.signers[order.turn]
      if (!signer) throw new TekenError('INVALID_REQUEST', `Every signer of order ${input.orderId} has signed already.`)
      const answer = await (await options.client(input.env)).checkDocumentStatus(input.orderId)
      // The frame's word is not enough: Peruri must say this signer signed (or, without a signer list, that the order is signed).
      const signed = answer.signedBy ? answer.signedBy.some((email) => email.toLowerCase() === signer.email.toLowerCase()) : answer.status === 'SIGNED'
      if (!signed) {
        throw new TekenError('PERURI_ERROR', `The web view reported a signature, but Peruri says ${signer.email} has not signed order ${input.orderId}: ${answer.resultDesc}`)
      }
      order.otpToken = undefined
      order.turn += 1
      return status(input.env, input.orderId)
    },

    /** Opens the downloaded PDF as a new document in main and verifies it, so the user sees the report before saving. */
    async download(input: { env: string; orderId: string }): Promise<{ document: DocumentHandle; verification: VerificationView }> {
      const signed = await (await options.client(input.env)).downloadDocument(input.orderId)
      const order = orders.get(keyOf(input.env, input.orderId))
      const stem = order ? basename(order.fileName, extname(order.fileName)) : `peruri-${input.orderId}`
      const document = options.documents.open(`${stem}-signed.pdf`, signed)
      const verification = await options.verify(document.docId)
      await options.audit.append({
        action: 'peruri.document-signed',
        subject: order?.fileName ?? document.fileName,
        details: {
          environment: input.env,
          orderId: input.orderId,
          ...(order ? { signers: order.signers.map((signer) => signer.email).join(', '), sha256Before: order.sha256Before } : {}),
          sha256After: sha256(signed),
        },
      })
      return { document, verification }
    },
  }
}

export type PeruriSessions = ReturnType<typeof createPeruriSessions>
