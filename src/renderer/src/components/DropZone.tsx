import { useState, type ReactNode } from 'react'

/** A `.file-drop` target that shows when something is dragged over it and hands over what is dropped. */
export function DropZone(props: { onDrop(transfer: DataTransfer): void; testId?: string; children: ReactNode }) {
  const [over, setOver] = useState(false)
  return (
    <div
      className={`file-drop${over ? ' over' : ''}`}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault()
        setOver(false)
        props.onDrop(event.dataTransfer)
      }}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  )
}
