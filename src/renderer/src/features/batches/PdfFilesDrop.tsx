import { useId } from 'react'
import { DropZone } from '../../components/DropZone'
import { useT } from '../../i18n/useT'

/** The files of a dropped folder (its top level, as a batch's input folder is read), or the dropped files themselves. */
async function droppedFiles(transfer: DataTransfer): Promise<File[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((entry): entry is FileSystemEntry => entry !== null)
  const files: File[] = []
  for (const entry of entries) {
    if (entry.isFile) files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)))
    else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      // readEntries answers in pages until an empty one.
      for (;;) {
        const page = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (page.length === 0) break
        for (const child of page) if (child.isFile) files.push(await new Promise<File>((resolve, reject) => (child as FileSystemFileEntry).file(resolve, reject)))
      }
    }
  }
  return files
}

/** Drop PDFs or a folder of them, or pick either with the keyboard; only `.pdf` files are kept. */
export function PdfFilesDrop(props: { count: number; staging: number; onFiles(files: File[]): void }) {
  const t = useT()
  const filesId = useId()
  const folderId = useId()
  const pdfsOnly = (files: Iterable<File>) => [...files].filter((file) => file.name.toLowerCase().endsWith('.pdf'))

  return (
    // droppedFiles reads the transfer's entries before its first await, while the drop event still lets it.
    <DropZone onDrop={(transfer) => void droppedFiles(transfer).then((files) => props.onFiles(pdfsOnly(files)))} testId="batch-drop">
      <label htmlFor={filesId}>{t('batch.files.pick')}</label>
      <input
        id={filesId}
        type="file"
        accept=".pdf,application/pdf"
        multiple
        onChange={(event) => {
          props.onFiles(pdfsOnly(event.target.files ?? []))
          event.target.value = ''
        }}
      />
      <label htmlFor={folderId}>{t('batch.files.folder')}</label>
      <input
        id={folderId}
        type="file"
        // React has no typed prop for it; Chromium picks a whole folder with it.
        {...{ webkitdirectory: '' }}
        onChange={(event) => {
          props.onFiles(pdfsOnly(event.target.files ?? []))
          event.target.value = ''
        }}
      />
      <span className="muted" aria-live="polite">
        {props.staging > 0 ? t('batch.files.staging', { count: props.count, staging: props.staging }) : props.count > 0 ? t('batch.files.count', { count: props.count }) : t('batch.files.hint')}
      </span>
    </DropZone>
  )
}
