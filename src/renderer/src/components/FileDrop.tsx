import { useId } from 'react'
import { DropZone } from './DropZone'

/** A labelled file picker that also accepts a drop; keyboard users get the ordinary file input. */
export function FileDrop(props: { label: string; hint: string; file?: File; accept?: string; onFile(file: File): void; testId?: string }) {
  const inputId = useId()
  return (
    <DropZone
      onDrop={(transfer) => {
        const [file] = transfer.files
        if (file) props.onFile(file)
      }}
      testId={props.testId}
    >
      <label htmlFor={inputId}>{props.label}</label>
      <input
        id={inputId}
        type="file"
        accept={props.accept}
        onChange={(event) => {
          const [file] = event.target.files ?? []
          if (file) props.onFile(file)
          // Picking the same file again (edited since) must fire again.
          event.target.value = ''
        }}
      />
      <span className="muted">{props.file ? `${props.file.name} (${props.file.size} B)` : props.hint}</span>
    </DropZone>
  )
}
