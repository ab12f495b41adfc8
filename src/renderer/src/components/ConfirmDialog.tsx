import { useEffect, useId, useRef, type ReactNode } from 'react'

/** A modal question with a safe default: Cancel has focus, Escape cancels. */
export function ConfirmDialog(props: { open: boolean; title: string; children: ReactNode; confirmLabel: string; cancelLabel: string; danger?: boolean; onConfirm(): void; onCancel(): void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const element = dialog.current
    if (!element) return
    if (props.open && !element.open) element.showModal()
    if (!props.open && element.open) element.close()
  }, [props.open])

  return (
    <dialog ref={dialog} className="confirm" aria-labelledby={titleId} onCancel={props.onCancel}>
      <h2 id={titleId}>{props.title}</h2>
      <div>{props.children}</div>
      <div className="actions">
        <button type="button" autoFocus onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
        <button type="button" className={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
