// bcrypt-pbkdf ships no types; this is the one function Teken uses.
declare module 'bcrypt-pbkdf' {
  interface BcryptPbkdf {
    /** OpenBSD's bcrypt_pbkdf: fills `key` and returns 0, or returns -1 for invalid arguments (such as an empty password). */
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number
  }
  const bcryptPbkdf: BcryptPbkdf
  export default bcryptPbkdf
}
