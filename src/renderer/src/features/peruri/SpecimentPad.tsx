import { useRef, useState, type PointerEvent } from 'react'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'

const INK = '#1a2b6d'

/** The handwritten signature: drawn on a canvas (mouse, pen or finger) or an uploaded PNG/JPEG. */
export function SpecimentPad({ disabled, onSend }: { disabled: boolean; onSend(image: Blob): Promise<void> }) {
  const t = useT()
  const canvas = useRef<HTMLCanvasElement>(null)
  const drawing = useRef(false)
  const [inked, setInked] = useState(false)
  const [file, setFile] = useState<File>()

  function point(event: PointerEvent<HTMLCanvasElement>): [number, number] {
    const bounds = event.currentTarget.getBoundingClientRect()
    return [((event.clientX - bounds.left) * event.currentTarget.width) / bounds.width, ((event.clientY - bounds.top) * event.currentTarget.height) / bounds.height]
  }

  function down(event: PointerEvent<HTMLCanvasElement>) {
    const context = event.currentTarget.getContext('2d')
    if (!context) return
    event.currentTarget.setPointerCapture(event.pointerId)
    context.lineWidth = 3
    context.lineCap = 'round'
    context.lineJoin = 'round'
    context.strokeStyle = INK
    context.beginPath()
    context.moveTo(...point(event))
    drawing.current = true
  }

  function move(event: PointerEvent<HTMLCanvasElement>) {
    if (!drawing.current) return
    const context = event.currentTarget.getContext('2d')
    context?.lineTo(...point(event))
    context?.stroke()
    setInked(true)
  }

  function clear() {
    const element = canvas.current
    element?.getContext('2d')?.clearRect(0, 0, element.width, element.height)
    setInked(false)
  }

  async function send() {
    const element = canvas.current
    const image = file ?? (element && (await new Promise<Blob | null>((resolve) => element.toBlob(resolve, 'image/png'))))
    if (image) await onSend(image)
  }

  return (
    <div className="speciment-pad">
      <p className="muted">{t('peruri.speciment.intro')}</p>
      <canvas
        ref={canvas}
        className="speciment-canvas"
        width={480}
        height={160}
        role="img"
        aria-label={t('peruri.speciment.pad')}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={() => (drawing.current = false)}
        onPointerCancel={() => (drawing.current = false)}
      />
      <div className="actions">
        <button type="button" onClick={clear} disabled={!inked}>
          {t('peruri.speciment.clear')}
        </button>
      </div>
      <FileDrop label={t('peruri.speciment.file')} hint={t('peruri.reg.photo.hint')} file={file} accept="image/png,image/jpeg" onFile={setFile} testId="speciment-image" />
      <button type="button" className="primary" disabled={disabled || (!file && !inked)} onClick={() => void send()}>
        {t('peruri.speciment.send')}
      </button>
    </div>
  )
}
