import { userInfo } from 'node:os'

/** Who is signed in to the OS, for audit trails; the environment's idea of it when the OS will not say. */
export function currentOsUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}
