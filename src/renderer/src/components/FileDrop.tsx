import { useId, useState, type DragEvent } from 'react'

/** A labelled file picker that also accepts a drop; keyboard users get the ordinary file input. */
export function FileDrop(props: { label: string; hint: string; file?: File; accept?: string; onFile(file: File): void; testId?: string }) {
  const inputId = useId()
  const [over, setOver] = useState(false)
  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const [file] = event.dataTransfer.files
    if (file) props.onFile(file)
  }
  return (
    <div
      className={`file-drop${over ? ' over' : ''}`}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid={props.testId}
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
    </div>
  )
}
