import { useEffect, useRef, useState } from 'react'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { usePeruri, useToasts } from '../../stores'

/**
 * Video e-KYC: a few seconds of the signer's face recorded with the camera (video only), or a video
 * file. Main allows the camera only for a short while after this screen asks, just before it starts.
 */
export function VideoEkyc({ disabled, onSend }: { disabled: boolean; onSend(video: Blob): Promise<void> }) {
  const t = useT()
  const armCamera = usePeruri((state) => state.armCamera)
  const push = useToasts((state) => state.push)
  const preview = useRef<HTMLVideoElement>(null)
  const [stream, setStream] = useState<MediaStream>()
  const [recorder, setRecorder] = useState<MediaRecorder>()
  const [recording, setRecording] = useState<{ blob: Blob; seconds: number }>()
  const [file, setFile] = useState<File>()

  useEffect(() => {
    if (preview.current) preview.current.srcObject = stream ?? null
    // The camera goes off when recording ends or the screen closes.
    return () => stream?.getTracks().forEach((track) => track.stop())
  }, [stream])

  async function startCamera() {
    if (!(await armCamera())) return
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: true, audio: false }))
    } catch (error) {
      push({ kind: 'error', title: t('peruri.video.noCamera'), detail: (error as Error).message })
    }
  }

  function startRecording() {
    if (!stream) return
    const chunks: Blob[] = []
    const started = Date.now()
    const next = new MediaRecorder(stream)
    next.ondataavailable = (event) => chunks.push(event.data)
    next.onstop = () => {
      setRecording({ blob: new Blob(chunks, { type: next.mimeType }), seconds: Math.round((Date.now() - started) / 1000) })
      setFile(undefined)
      setRecorder(undefined)
      setStream(undefined)
    }
    next.start()
    setRecorder(next)
  }

  const video = file ?? recording?.blob
  return (
    <div className="video-ekyc">
      <p className="muted">{t('peruri.video.intro')}</p>
      {stream && <video ref={preview} className="camera-preview" autoPlay muted playsInline aria-label={t('peruri.video.preview')} />}
      <div className="actions">
        {!stream && (
          <button type="button" disabled={disabled} onClick={() => void startCamera()}>
            {t('peruri.video.camera')}
          </button>
        )}
        {stream && !recorder && (
          <button type="button" onClick={startRecording}>
            {t('peruri.video.record')}
          </button>
        )}
        {recorder && (
          <button type="button" className="danger-outline" onClick={() => recorder.stop()}>
            {t('peruri.video.stop')}
          </button>
        )}
      </div>
      {recording && !file && <p>{t('peruri.video.recorded', { seconds: recording.seconds })}</p>}
      <FileDrop
        label={t('peruri.video.file')}
        hint={t('peruri.video.file.hint')}
        file={file}
        accept="video/mp4,video/webm,video/quicktime"
        onFile={(picked) => {
          setFile(picked)
          setRecording(undefined)
        }}
        testId="ekyc-video"
      />
      <button type="button" className="primary" disabled={disabled || !video || recorder !== undefined} onClick={() => video && void onSend(video)}>
        {t('peruri.video.send')}
      </button>
    </div>
  )
}
