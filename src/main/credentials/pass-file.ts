import { TekenError } from '../../shared/errors'

/** openssl's `app_get_pass` reads `-pass file:` with `BIO_gets` into a buffer of this size. */
const PASS_BUFFER_BYTES = 1024
const NEWLINE = 0x0a
const NUL = 0x00

/**
 * The password `openssl … -pass file:F` takes from the bytes of F (apps/lib/apps.c, `app_get_pass`):
 * the first line, at most 1,023 bytes, without its `\n` (a `\r` before it stays), cut at the first
 * NUL byte because openssl then copies it as a C string.
 */
export function passwordFromPassFile(bytes: Uint8Array): Buffer {
  // BIO_gets (fgets) fills at most size - 1 bytes and stops after the first '\n'.
  const firstRead = bytes.subarray(0, PASS_BUFFER_BYTES - 1)
  if (firstRead.length === 0) {
    throw new TekenError(
      'CREDENTIAL_PASS_FILE_EMPTY',
      'The password file (key.bin) is empty, so openssl refuses it too ("Error reading password from BIO"). Ask OVO to send key.bin.enc again.',
    )
  }
  // The file BIO reports strlen() of what it read, so a first byte of NUL counts as reading nothing.
  if (firstRead[0] === NUL) {
    throw new TekenError(
      'CREDENTIAL_PASS_FILE_EMPTY',
      'The password file (key.bin) starts with a NUL byte, which openssl reads as an empty password file and refuses ("Error reading password from BIO"). Ask OVO to send key.bin.enc again.',
    )
  }
  const end = firstRead.findIndex((byte) => byte === NEWLINE || byte === NUL)
  return Buffer.from(end === -1 ? firstRead : firstRead.subarray(0, end))
}
