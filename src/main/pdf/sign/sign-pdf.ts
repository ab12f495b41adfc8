import { createHash, randomBytes, X509Certificate, type Hash, type KeyObject } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PDFContext, PDFDict, PDFHexString, PDFName, PDFNumber, PDFString, type PDFArray, type PDFObject, type PDFRef } from 'pdf-lib'
import type { CertificationLevel, PdfRect } from '../../../shared/pdf-types'
import { isRectInsideCropBox } from '../../../shared/placement/geometry'
import type { Clock } from '../../ports/clock'
import { PdfDict, PdfRef, type PdfValue } from '../core/pdf-syntax'
import { addInvisibleAppearance, addVisibleAppearance, type AppearanceLanguage } from './appearance'
import { createCmsSigner, signCms, type CmsSigner } from './cms'
import { buildIncrementalUpdate, serializeObject, type UpdateObject } from './incremental-update'
import { PdfDocument, type PageNode } from './pdf-document'
import {
  certificateNotForKey,
  certificateNotValidAt,
  certificationNotFirst,
  emptyRect,
  identityWithoutCertificate,
  lockedByCertification,
  pageOutOfRange,
  pdfEncrypted,
  rectOutsidePage,
  signingKeyNotRsa,
} from './pdf-errors'
import { PdfFile } from './pdf-file'
import { pdfLibRef, toPdfLib } from './pdf-lib-objects'
import { timestampFailed, timestampSignature, type TimestampAuthority } from './timestamp'

export interface SigningIdentity {
  privateKey: KeyObject
  /** PEM, leaf first, then its chain. */
  certificates: string[]
  /** The vault name, for messages. */
  name?: string
}

/** Where a signature goes and what it certifies: what the CLI's placement options and Peruri's signer object both say. */
export interface SignatureBoxPlacement {
  /** 1-based. */
  page: number
  /** PDF user space of that page, unrotated; ignored for invisible signatures. */
  rect: PdfRect
  visible: boolean
  reason?: string
  location?: string
  certificationLevel: CertificationLevel
}

export interface SignaturePlacement extends SignatureBoxPlacement {
  /** Shown in the appearance and as /Name; defaults to the certificate's common name. */
  signerName?: string
  /** A PNG or JPEG of the handwritten signature, drawn in the box. */
  speciment?: Uint8Array
  /** Language of the appearance's labels and date; Indonesian by default, like the app. */
  language?: AppearanceLanguage
}

export interface SignPdfRequest {
  inputPath: string
  outputPath: string
  identity: SigningIdentity
  placement: SignaturePlacement
  clock: Clock
  /** Adds an RFC 3161 signature timestamp from this TSA (PAdES B-T); without it the signature is B-B. */
  timestampAuthority?: TimestampAuthority
}

export interface SignPdfResult {
  outputPath: string
  fieldName: string
  pageNumber: number
  /** The widget's /Rect: the requested box, or [0 0 0 0] when invisible. */
  rect: PdfRect
  signedAt: Date
  byteRange: [number, number, number, number]
  certified: boolean
  /** The TSA's time, when the signature was timestamped. */
  timestampedAt?: Date
}

/** Room for a CMS a little larger than the dry run, so the placeholder never comes out short. */
const CONTENTS_MARGIN = 512
/** Room for a TSA's token, whose size is unknown until it arrives: a TSA certificate chain fits well within this. */
const TIMESTAMP_RESERVE = 16 * 1024
/** "[0 a b c]" with each number up to 10 digits (10 GB), padded with spaces. */
const BYTE_RANGE_WIDTH = 36
const COPY_CHUNK = 1024 * 1024
const FLUSH_EVERY = 8 * COPY_CHUNK
const INVISIBLE_RECT: PdfRect = [0, 0, 0, 0]

const key = (name: string) => PDFName.of(name)

/**
 * Signs a PDF with PAdES baseline B-B by incremental update: the input's bytes stay, unchanged,
 * at the start of the output, so earlier signatures remain valid. The output appears only when it
 * is complete (written beside it, then renamed); on any failure nothing is left behind.
 */
export async function signPdf(request: SignPdfRequest): Promise<SignPdfResult> {
  const { placement } = request
  const signedAt = request.clock.now()
  const identity = prepareIdentity(request.identity)
  checkValidity(identity, signedAt)

  const file = await PdfFile.open(request.inputPath)
  try {
    if (file.encrypted) throw pdfEncrypted(file.fileName)
    const document = await PdfDocument.fromFile(file)
    const pages = await document.pages()
    const page = Number.isInteger(placement.page) ? pages[placement.page - 1] : undefined
    if (!page) throw pageOutOfRange(placement.page, pages.length)
    const rect = placement.visible ? checkedRect(placement.rect, page) : INVISIBLE_RECT
    if ((await document.certificationPermission()) === 1) throw lockedByCertification(file.fileName)
    const fields = await document.fields()
    const certify = placement.certificationLevel === 'NO_CHANGES_ALLOWED'
    if (certify) {
      for (const field of fields) {
        if (field.type === 'Sig' && (await file.dict(field.dict.get('V')))) throw certificationNotFirst(file.fileName)
      }
    }

    const fieldName = uniqueFieldName(fields.map((field) => field.name))
    const signerName = placement.signerName?.trim() || identity.commonName
    const authority = request.timestampAuthority
    const contentsSize = identity.signer.cmsSize + CONTENTS_MARGIN + (authority ? TIMESTAMP_RESERVE : 0)
    const prepared = await prepareUpdate({ document, page, rect, placement, fieldName, signerName, signedAt, certify, contentsSize })
    const { bytes, contentsStart, contentsEnd } = prepared
    let timestampedAt: Date | undefined
    const timestamp = authority
      ? async (signatureValue: Buffer) => {
          const stamp = await timestampSignature(authority, signatureValue)
          timestampedAt = stamp.time
          return stamp.token
        }
      : undefined
    await writeSigned(file, bytes, request.outputPath, async (hash) => {
      hash.update(bytes.subarray(0, contentsStart))
      hash.update(bytes.subarray(contentsEnd))
      const cms = await signCms(identity.signer, hash.digest(), timestamp)
      if (cms.length > contentsSize) {
        if (authority) throw timestampFailed(authority.name, `its token is larger than the ${TIMESTAMP_RESERVE} bytes Teken reserves`)
        throw new Error(`the CMS (${cms.length} bytes) outgrew its placeholder (${contentsSize} bytes)`)
      }
      // The placeholder holds hex digits between "<" and ">"; the CMS is zero-padded to fill it.
      bytes.write(cms.toString('hex'), contentsStart + 1, 'latin1')
    })
    const result: SignPdfResult = { outputPath: request.outputPath, fieldName, pageNumber: page.geometry.pageNumber, rect, signedAt, byteRange: prepared.byteRange, certified: certify }
    if (timestampedAt) result.timestampedAt = timestampedAt
    return result
  } finally {
    await file.close()
  }
}

interface UpdateRequest {
  document: PdfDocument
  page: PageNode
  rect: PdfRect
  placement: SignaturePlacement
  fieldName: string
  signerName: string
  signedAt: Date
  certify: boolean
  contentsSize: number
}

interface PreparedUpdate {
  /** What to append to the input, with /ByteRange filled in and /Contents still zero. */
  bytes: Buffer
  /** Where /Contents' "<" is, and just past its ">", within `bytes`. */
  contentsStart: number
  contentsEnd: number
  byteRange: [number, number, number, number]
}

/** The new objects (signature, widget, appearance) and the changed ones (page or /Annots, AcroForm, catalog), serialised as the update. */
async function prepareUpdate(request: UpdateRequest): Promise<PreparedUpdate> {
  const { document, page, rect, placement } = request
  const { file } = document
  const context = PDFContext.create()
  context.largestObjectNumber = file.nextObjectNumber - 1
  const signatureRef = context.nextRef()
  const widgetRef = context.nextRef()
  const appearanceRef = placement.visible
    ? await addVisibleAppearance(context, {
        width: rect[2] - rect[0],
        height: rect[3] - rect[1],
        rotation: page.geometry.rotate,
        signerName: request.signerName,
        signedAt: request.signedAt,
        reason: placement.reason,
        location: placement.location,
        language: placement.language ?? 'id',
        speciment: placement.speciment,
      })
    : addInvisibleAppearance(context)
  context.assign(
    widgetRef,
    context.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', T: PDFString.of(request.fieldName), V: signatureRef, F: 4, P: pdfLibRef(page.ref), Rect: [...rect], AP: { N: appearanceRef } }),
  )
  await addWidgetToPage(file, context, page, widgetRef)
  await addFieldToForm(document, context, widgetRef, request.certify ? signatureRef : undefined)

  const signature = signatureDictionary({ signedAt: request.signedAt, signerName: request.signerName, reason: placement.reason, location: placement.location, certify: request.certify, contentsSize: request.contentsSize })
  // The signature dictionary is written by hand (its placeholders must sit at known offsets); pdf-lib serialises the rest.
  const objects: UpdateObject[] = [{ ref: signatureRef, body: signature.body }, ...context.enumerateIndirectObjects().map(([ref, object]) => ({ ref, body: serializeObject(object) }))]
  const lastByte = (await file.reader.read(file.size - 1, 1))[0]
  const update = buildIncrementalUpdate(file, context, objects, lastByte === 0x0a || lastByte === 0x0d)

  const signatureStart = update.bodyStarts.get(signatureRef.objectNumber) as number
  const contentsStart = signatureStart + signature.contentsAt
  const contentsEnd = contentsStart + signature.contentsLength
  const byteRange: [number, number, number, number] = [0, file.size + contentsStart, file.size + contentsEnd, update.bytes.length - contentsEnd]
  update.bytes.write(`[${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_WIDTH, ' '), signatureStart + signature.byteRangeAt, 'latin1')
  return { bytes: update.bytes, contentsStart, contentsEnd, byteRange }
}

interface PreparedIdentity {
  leaf: X509Certificate
  commonName: string
  signer: CmsSigner
}

/**
 * Parsing the certificates and the CMS dry run depend on the identity, not the document, so a batch
 * signing many documents with one identity object does them once. Identities are not mutated.
 */
const preparedIdentities = new WeakMap<SigningIdentity, PreparedIdentity>()

function prepareIdentity(identity: SigningIdentity): PreparedIdentity {
  const cached = preparedIdentities.get(identity)
  if (cached) return cached
  if (identity.certificates.length === 0) throw identityWithoutCertificate(identity.name)
  const certificates = identity.certificates.map((pem) => new X509Certificate(pem))
  const leaf = certificates[0] as X509Certificate
  const commonName = /^CN=(.*)$/m.exec(leaf.subject)?.[1] ?? leaf.subject.replace(/\n/g, ', ')
  const { privateKey } = identity
  if (privateKey.asymmetricKeyType !== 'rsa') throw signingKeyNotRsa(privateKey.asymmetricKeyType ?? 'unknown')
  if (!leaf.checkPrivateKey(privateKey)) throw certificateNotForKey(commonName)
  const signatureLength = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8)
  const signer = createCmsSigner(
    privateKey,
    certificates.map((certificate) => certificate.raw),
    signatureLength,
  )
  const prepared = { leaf, commonName, signer }
  preparedIdentities.set(identity, prepared)
  return prepared
}

function checkValidity(identity: PreparedIdentity, now: Date): void {
  const { leaf } = identity
  if (now < leaf.validFromDate || now > leaf.validToDate) throw certificateNotValidAt(identity.commonName, leaf.validFromDate, leaf.validToDate, now)
}

/** Points of slack for boxes typed from a viewer that rounds coordinates. */
const TYPED_BOX_TOLERANCE = 0.01

function checkedRect(requested: PdfRect, page: PageNode): PdfRect {
  const [x1, y1, x2, y2] = requested
  if (!(x1 < x2 && y1 < y2)) throw emptyRect(requested)
  if (!isRectInsideCropBox(page.geometry, requested, TYPED_BOX_TOLERANCE)) throw rectOutsidePage(page.geometry.pageNumber, requested, page.geometry.cropBox)
  return requested
}

function uniqueFieldName(existing: string[]): string {
  const taken = new Set(existing.flatMap((name) => [name, name.split('.')[0] as string]))
  for (let index = 1; ; index += 1) if (!taken.has(`Signature${index}`)) return `Signature${index}`
}

/** The page's /Annots gets the widget: a shared /Annots array is rewritten in place, else the page. */
async function addWidgetToPage(file: PdfFile, context: PDFContext, page: PageNode, widgetRef: PDFRef): Promise<void> {
  const annotations = page.dict.get('Annots')
  if (annotations instanceof PdfRef) {
    const array = await file.array(annotations)
    if (array) {
      context.assign(pdfLibRef(annotations), appended(array, context, widgetRef))
      return
    }
  }
  const pageCopy = toPdfLib(page.dict, context) as PDFDict
  pageCopy.set(key('Annots'), Array.isArray(annotations) ? appended(annotations, context, widgetRef) : context.obj([widgetRef]))
  context.assign(pdfLibRef(page.ref), pageCopy)
}

/** Adds the field to the AcroForm (creating it if needed), sets /SigFlags, and for a certification /Perms /DocMDP. */
async function addFieldToForm(document: PdfDocument, context: PDFContext, widgetRef: PDFRef, certificationRef: PDFRef | undefined): Promise<void> {
  const { file, catalog, catalogRef } = document
  const catalogCopy = toPdfLib(catalog, context) as PDFDict
  let catalogChanged = false
  const formValue = catalog.get('AcroForm')
  const existingForm = await file.dict(formValue)
  const form = existingForm ? (toPdfLib(existingForm, context) as PDFDict) : PDFDict.withContext(context)

  const fieldsValue = existingForm?.get('Fields')
  const fields = await file.array(fieldsValue)
  if (fieldsValue instanceof PdfRef && fields) context.assign(pdfLibRef(fieldsValue), appended(fields, context, widgetRef))
  else form.set(key('Fields'), fields ? appended(fields, context, widgetRef) : context.obj([widgetRef]))
  const flags = (await file.number(existingForm?.get('SigFlags'))) ?? 0
  // SignaturesExist (1) and AppendOnly (2): viewers must save by incremental update from now on.
  form.set(key('SigFlags'), PDFNumber.of(flags | 3))

  if (formValue instanceof PdfRef && existingForm) {
    context.assign(pdfLibRef(formValue), form)
  } else {
    catalogCopy.set(key('AcroForm'), existingForm && formValue instanceof PdfDict ? form : context.register(form))
    catalogChanged = true
  }

  if (certificationRef) {
    const permissionsValue = catalog.get('Perms')
    const existingPermissions = await file.dict(permissionsValue)
    const permissions = existingPermissions ? (toPdfLib(existingPermissions, context) as PDFDict) : PDFDict.withContext(context)
    permissions.set(key('DocMDP'), certificationRef)
    if (permissionsValue instanceof PdfRef && existingPermissions) {
      context.assign(pdfLibRef(permissionsValue), permissions)
    } else {
      catalogCopy.set(key('Perms'), permissions)
      catalogChanged = true
    }
  }
  if (catalogChanged) context.assign(pdfLibRef(catalogRef), catalogCopy)
}

function appended(array: PdfValue[], context: PDFContext, item: PDFObject): PDFArray {
  const copy = toPdfLib(array, context) as PDFArray
  copy.push(item)
  return copy
}

interface SignatureDictionary {
  body: Buffer
  /** Offsets within `body` of the /ByteRange array and of the /Contents hex string ("<" to ">"). */
  byteRangeAt: number
  contentsAt: number
  contentsLength: number
}

function signatureDictionary(input: { signedAt: Date; signerName: string; reason?: string; location?: string; certify: boolean; contentsSize: number }): SignatureDictionary {
  let head = '<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n'
  head += `/M ${pdfDateWib(input.signedAt)}\n/Name ${textString(input.signerName)}\n`
  if (input.reason) head += `/Reason ${textString(input.reason)}\n`
  if (input.location) head += `/Location ${textString(input.location)}\n`
  // Certification: no changes allowed at all (P 1).
  if (input.certify) head += '/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>]\n'
  head += '/ByteRange '
  const byteRangeAt = head.length
  head += `${'[0 0 0 0]'.padEnd(BYTE_RANGE_WIDTH, ' ')}\n/Contents `
  const contentsAt = head.length
  const contents = `<${'0'.repeat(input.contentsSize * 2)}>`
  return { body: Buffer.from(`${head}${contents}\n>>`, 'latin1'), byteRangeAt, contentsAt, contentsLength: contents.length }
}

/** A literal string for printable ASCII, else UTF-16BE hex, which every reader decodes. */
function textString(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `(${value.replace(/[\\()]/g, (character) => `\\${character}`)})`
  return PDFHexString.fromText(value).toString()
}

/** /M in WIB, e.g. D:20261122120705+07'00'. */
function pdfDateWib(date: Date): string {
  const wib = new Date(date.getTime() + 7 * 3600_000)
  const pad = (value: number) => String(value).padStart(2, '0')
  return `(D:${wib.getUTCFullYear()}${pad(wib.getUTCMonth() + 1)}${pad(wib.getUTCDate())}${pad(wib.getUTCHours())}${pad(wib.getUTCMinutes())}${pad(wib.getUTCSeconds())}+07'00')`
}

/**
 * Copies the input into a temporary sibling of the output while hashing it, lets `finish` hash
 * the rest and fill in the signature, appends the update, syncs, and renames into place. A large
 * input is streamed in 1 MiB chunks, so it is never held in memory.
 */
async function writeSigned(file: PdfFile, appended: Buffer, outputPath: string, finish: (hash: Hash) => Promise<void>): Promise<void> {
  const temporary = join(dirname(outputPath), `.${basename(outputPath)}.${randomBytes(6).toString('hex')}.tmp`)
  const output = await open(temporary, 'wx', 0o600)
  let complete = false
  try {
    const hash = createHash('sha256')
    if (file.size <= COPY_CHUNK) {
      // Small files: one read and one write for the lot.
      const original = await file.reader.read(0, file.size)
      hash.update(original)
      await finish(hash)
      await writeAll(output, [original, appended], 0)
    } else {
      await copyHashing(file, output, hash)
      await finish(hash)
      await writeAll(output, [appended], file.size)
    }
    await output.sync()
    complete = true
  } finally {
    await output.close()
    if (!complete) await rm(temporary, { force: true })
  }
  try {
    await rename(temporary, outputPath)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/**
 * Copies the input to `output` while hashing it, as a pipeline: the next chunk is read and the
 * previous one written while this one is hashed, and the written part is flushed to disk every few
 * MiB so the final sync finds little left. Hashing stays the critical path.
 */
async function copyHashing(file: PdfFile, output: FileHandle, hash: Hash): Promise<void> {
  const buffers = [Buffer.allocUnsafe(COPY_CHUNK), Buffer.allocUnsafe(COPY_CHUNK), Buffer.allocUnsafe(COPY_CHUNK)]
  // Background work gets a handler at once, so a failure surfaces where it is awaited, not as an unhandled rejection.
  const background = <T>(promise: Promise<T>) => {
    promise.catch(() => undefined)
    return promise
  }
  const readChunk = (index: number, position: number) =>
    background(file.reader.handle.read(buffers[index % buffers.length] as Buffer, 0, Math.min(COPY_CHUNK, file.size - position), position))
  let reading = readChunk(0, 0)
  let writing: Promise<void> = Promise.resolve()
  let flushing: Promise<void> = Promise.resolve()
  let unflushed = 0
  try {
    for (let index = 0, position = 0; position < file.size; index += 1) {
      const { bytesRead } = await reading
      if (bytesRead === 0) throw new Error('the input became shorter while it was being signed')
      const chunk = (buffers[index % buffers.length] as Buffer).subarray(0, bytesRead)
      const next = position + bytesRead
      if (next < file.size) reading = readChunk(index + 1, next)
      hash.update(chunk)
      // The buffer the next read fills is the one written two chunks ago; that write is done by now.
      await writing
      writing = background(writeAll(output, [chunk], position))
      unflushed += bytesRead
      if (unflushed >= FLUSH_EVERY) {
        unflushed = 0
        const written = writing
        flushing = background(Promise.all([flushing, written]).then(() => output.datasync()))
      }
      position = next
    }
    await writing
    await flushing
  } finally {
    await Promise.allSettled([reading, writing, flushing])
  }
}

async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const expected = buffers.reduce((sum, buffer) => sum + buffer.length, 0)
  const { bytesWritten } = await handle.writev(buffers, position)
  if (bytesWritten !== expected) throw new Error(`only ${bytesWritten} of ${expected} bytes could be written; is the disk full?`)
}
