import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { BrowserWindow, clipboard, dialog, shell } from 'electron'
import { TekenError } from '../../shared/errors'
import { writeFileAtomic } from '../platform/atomic-file'
import type { DesktopPorts } from '../ports/desktop'

/** The desktop ports backed by Electron: native save dialog, OS clipboard, native message box, the OS's file opener. */
export function electronDesktopPorts(): DesktopPorts {
  const parent = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  return {
    fileSaver: {
      async save({ title, suggestedName, bytes }) {
        const window = parent()
        const options = { title, defaultPath: basename(suggestedName) }
        const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
        if (choice.canceled || !choice.filePath) return null
        await writeFileAtomic(choice.filePath, bytes)
        return choice.filePath
      },
    },
    filePicker: {
      async open({ title, extensions }) {
        const window = parent()
        const options = { title, properties: ['openFile' as const], filters: [{ name: extensions.join(', ').toUpperCase(), extensions }] }
        const choice = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
        const [path] = choice.filePaths
        if (choice.canceled || !path) return null
        return { fileName: basename(path), bytes: await readFile(path) }
      },
    },
    clipboard: {
      writeText: (text) => clipboard.writeText(text),
      readText: () => clipboard.readText(),
      clear: () => clipboard.clear(),
    },
    secretPresenter: {
      async show(title, secret) {
        const window = parent()
        const options = { type: 'info' as const, title, message: title, detail: secret, buttons: ['OK'] }
        if (window) await dialog.showMessageBox(window, options)
        else await dialog.showMessageBox(options)
      },
    },
    pathOpener: {
      async open(path) {
        // openPath answers with an error text instead of throwing.
        const problem = await shell.openPath(path)
        if (problem) throw new TekenError('FILE_NOT_READABLE', `The system could not open ${path}: ${problem}`, { path })
      },
    },
  }
}
