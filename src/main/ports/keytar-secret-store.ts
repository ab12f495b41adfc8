import type * as KeytarModule from 'keytar'
import { TekenError } from '../../shared/errors'
import type { SecretStore } from './secret-store'

type Keytar = typeof KeytarModule

const PLATFORM_KEYCHAIN: Record<string, string> = {
  darwin: 'the macOS Keychain',
  win32: 'Windows Credential Manager',
  linux: 'a Secret Service provider (gnome-keyring or KWallet) on a D-Bus session',
}

function unavailable(reason: string): TekenError {
  const keychain = PLATFORM_KEYCHAIN[process.platform] ?? 'an OS keychain'
  return new TekenError(
    'KEYCHAIN_UNAVAILABLE',
    `No OS keychain is reachable: Teken keeps its vault key in ${keychain} and will not store secrets in plain files. ${reason}`,
    { reason },
  )
}

/** Turns keytar's and libsecret's terse failures into what the user must install or start. */
export function explainKeychainFailure(error: unknown): TekenError {
  const message = error instanceof Error ? error.message : String(error)
  if (/DBUS|D-Bus|dbus/i.test(message) && /autolaunch|DISPLAY|connect|address/i.test(message)) {
    return unavailable(`There is no D-Bus session bus (${message}). Start Teken from a desktop session, or run it under dbus-run-session with gnome-keyring-daemon --unlock.`)
  }
  if (/org\.freedesktop\.secrets|secret service|was not provided by any \.service files|collection/i.test(message)) {
    return unavailable(`No Secret Service answered on D-Bus (${message}). Install and start gnome-keyring (or KWallet) and unlock it.`)
  }
  if (/cannot find module|libsecret|\.node|invalid ELF|was compiled against/i.test(message)) {
    return unavailable(`The keytar native module could not be loaded (${message}). On Linux install libsecret-1-0 (and libsecret-1-dev to build), then run npm rebuild keytar.`)
  }
  return unavailable(`The keychain refused the request (${message}).`)
}

let keytarModule: Promise<Keytar> | undefined
/** Loaded on first use, so a missing native module is a clear keychain error, not a crash at start. */
function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then(
    (module) => ((module as { default?: Keytar }).default ?? module) as Keytar,
    (error: unknown) => {
      keytarModule = undefined
      throw explainKeychainFailure(error)
    },
  )
  return keytarModule
}

export function createKeytarSecretStore(service: string): SecretStore {
  const withKeytar = async <T>(operation: (keytar: Keytar) => Promise<T>): Promise<T> => {
    const keytar = await loadKeytar()
    try {
      return await operation(keytar)
    } catch (error) {
      throw explainKeychainFailure(error)
    }
  }
  return {
    backend: 'keytar',
    service,
    get: (account) => withKeytar((keytar) => keytar.getPassword(service, account)),
    set: (account, secret) => withKeytar((keytar) => keytar.setPassword(service, account, secret)),
    delete: (account) => withKeytar((keytar) => keytar.deletePassword(service, account)),
  }
}
