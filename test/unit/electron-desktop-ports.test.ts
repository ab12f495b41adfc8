import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const electron = await vi.hoisted(async () => ({ fake: (await import('../support/fake-electron')).createFakeElectron() }))
vi.mock('electron', () => electron.fake)

const { electronDesktopPorts } = await import('../../src/main/electron/desktop-ports')

describe('Electron desktop ports', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'teken-ports-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('saves through the native dialog to the path the user chose, suggesting only a bare file name', async () => {
    const target = join(dir, 'chosen.pub.pem')
    electron.fake.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target } as never)
    const path = await electronDesktopPorts().fileSaver.save({ title: 'Save public key', suggestedName: '../../etc/ovo.pub.pem', bytes: Buffer.from('PUBLIC') })
    expect(path).toBe(target)
    expect(await readFile(target, 'utf8')).toBe('PUBLIC')
    expect(electron.fake.dialog.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ title: 'Save public key', defaultPath: 'ovo.pub.pem' }))
  })

  it('writes nothing when the user cancels', async () => {
    electron.fake.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true } as never)
    await expect(electronDesktopPorts().fileSaver.save({ title: 't', suggestedName: 'x.p12', bytes: Buffer.from('x') })).resolves.toBeNull()
    expect(await readdir(dir)).toEqual(['chosen.pub.pem'])
  })

  it('opens a file through the native dialog and reads it in main; cancel gives nothing', async () => {
    electron.fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(dir, 'chosen.pub.pem')] } as never)
    await expect(electronDesktopPorts().filePicker.open({ title: 'Open PDF', extensions: ['pdf'] })).resolves.toEqual({ fileName: 'chosen.pub.pem', bytes: Buffer.from('PUBLIC') })
    expect(electron.fake.dialog.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ properties: ['openFile'], filters: [{ name: 'PDF', extensions: ['pdf'] }] }))
    electron.fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] } as never)
    await expect(electronDesktopPorts().filePicker.open({ title: 'Open PDF', extensions: ['pdf'] })).resolves.toBeNull()
  })

  it('reveals a secret in a main-owned message box and uses the OS clipboard', async () => {
    const ports = electronDesktopPorts()
    await ports.secretPresenter.show('client_secret', 's3cret')
    expect(electron.fake.dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ message: 'client_secret', detail: 's3cret' }))
    await ports.clipboard.writeText('s3cret')
    expect(electron.fake.clipboard.writeText).toHaveBeenCalledWith('s3cret')
    ports.clipboard.clear()
    expect(electron.fake.clipboard.clear).toHaveBeenCalled()
  })

  it('opens a file or folder with the system, and says so when the system cannot', async () => {
    await electronDesktopPorts().pathOpener.open(dir)
    expect(electron.fake.shell.openPath).toHaveBeenCalledWith(dir)
    electron.fake.shell.openPath.mockResolvedValueOnce('No application is associated with the specified file')
    await expect(electronDesktopPorts().pathOpener.open(join(dir, 'x.report.pdf'))).rejects.toMatchObject({ code: 'FILE_NOT_READABLE', message: expect.stringContaining('No application is associated') })
  })
})
