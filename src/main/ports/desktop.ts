import { TekenError } from '../../shared/errors'

/** Native "Save as…": main writes the file the user chose; the bytes never pass through the renderer. */
export interface FileSaver {
  /** Resolves with the saved path, or null when the user cancelled. */
  save(request: { title: string; suggestedName: string; bytes: Uint8Array }): Promise<string | null>
}

/** Native "Open…": main reads the file the user chose; the renderer never learns its path. */
export interface FilePicker {
  /** Resolves with the chosen file's name and bytes, or null when the user cancelled. */
  open(request: { title: string; extensions: string[] }): Promise<{ fileName: string; bytes: Buffer } | null>
}

/** The OS clipboard, written from main so copied secrets never exist in renderer memory. */
export interface Clipboard {
  writeText(text: string): Promise<void>
  readText(): Promise<string>
  clear(): void
}

/** Shows one secret to the user in a window main owns (a native dialog), never in the renderer. */
export interface SecretPresenter {
  show(title: string, secret: string): Promise<void>
}

/** Opens a file or folder main chose (a batch's report or output folder) with the OS's own app. */
export interface PathOpener {
  open(path: string): Promise<void>
}

export interface DesktopPorts {
  fileSaver: FileSaver
  filePicker: FilePicker
  clipboard: Clipboard
  secretPresenter: SecretPresenter
  pathOpener: PathOpener
}

const desktopOnly = (what: string) => new TekenError('DESKTOP_ONLY', `${what} needs the desktop app's native windows; the browser harness and the CLI cannot do it.`)

/** For runtimes without native windows (web harness, CLI): saving lands in a folder, the rest says why not. */
export function headlessDesktopPorts(saveInto: (name: string, bytes: Uint8Array) => Promise<string>): DesktopPorts {
  return {
    fileSaver: { save: ({ suggestedName, bytes }) => saveInto(suggestedName, bytes) },
    filePicker: {
      open: async () => {
        throw desktopOnly('The native open dialog')
      },
    },
    clipboard: {
      writeText: async () => {
        throw desktopOnly('Copying a secret to the clipboard')
      },
      readText: async () => '',
      clear: () => undefined,
    },
    secretPresenter: {
      show: async () => {
        throw desktopOnly('Revealing a secret')
      },
    },
    pathOpener: {
      open: async () => {
        throw desktopOnly('Opening a file or folder in the system')
      },
    },
  }
}
