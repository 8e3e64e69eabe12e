import { useCallback, useEffect, useRef, useState } from 'react'
import { looksLikeLink } from '../../../shared/code/index.ts'
import { readOpenedLink, type OpenedLink } from '../../../shared/opened-link.ts'
import type { ShownError } from '../../common/shown-error.ts'
import { closeCamera, openCamera } from './camera.ts'
import { decodeQr } from './decode-qr.ts'

// Reads frames from the camera into a canvas a few times a second and looks for a QR code with a
// pairwise:// link. One read link ends the scan; a QR code that holds something else is only
// remarked on, and the scan goes on.

/** Five reads a second find a code held up to the camera at once and leave the CPU mostly idle. */
const FRAME_INTERVAL_MS = 200
/** Frames are scaled down to this width before decoding: a QR code filling part of a 640 px frame still reads. */
const MAX_DECODE_WIDTH = 640

export type ScanState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'scanning'; foreign: boolean }
  | { kind: 'failed'; error: ShownError }

export function useQrScan(onRead: (link: OpenedLink) => void) {
  const [state, setState] = useState<ScanState>({ kind: 'idle' })
  const video = useRef<HTMLVideoElement | null>(null)
  const stream = useRef<MediaStream | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  // A start that is still waiting for getUserMedia when the scan is stopped must not keep the camera.
  const generation = useRef(0)
  const readRef = useRef(onRead)
  readRef.current = onRead

  const stop = useCallback((next: ScanState = { kind: 'idle' }) => {
    generation.current++
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
    closeCamera(stream.current)
    stream.current = null
    if (video.current !== null) video.current.srcObject = null
    setState(next)
  }, [])

  const scanFrames = useCallback(
    (run: number) => {
      const canvas = document.createElement('canvas')
      const context = canvas.getContext('2d', { willReadFrequently: true })
      const tick = (): void => {
        if (run !== generation.current) return
        const source = video.current
        // Another tab of the app or of the browser in front: the person has moved on, so the camera stops.
        if (source === null || source.getClientRects().length === 0 || document.hidden) return stop()
        if (context !== null && source.videoWidth > 0) {
          const scale = Math.min(1, MAX_DECODE_WIDTH / source.videoWidth)
          canvas.width = Math.round(source.videoWidth * scale)
          canvas.height = Math.round(source.videoHeight * scale)
          context.drawImage(source, 0, 0, canvas.width, canvas.height)
          const text = decodeQr(context.getImageData(0, 0, canvas.width, canvas.height))
          if (text !== null) {
            if (looksLikeLink(text) && /^\s*pairwise:/i.test(text)) {
              stop()
              readRef.current(readOpenedLink(text))
              return
            }
            setState({ kind: 'scanning', foreign: true })
          }
        }
        timer.current = setTimeout(tick, FRAME_INTERVAL_MS)
      }
      tick()
    },
    [stop]
  )

  const start = useCallback(() => {
    const run = ++generation.current
    setState({ kind: 'starting' })
    openCamera().then(
      (opened) => {
        if (run !== generation.current) return closeCamera(opened)
        stream.current = opened
        const element = video.current
        if (element === null) return stop()
        element.srcObject = opened
        element.play().catch(() => {
          // Autoplay of a muted camera stream is allowed; if it still fails the frames stay empty and Cancel remains.
        })
        setState({ kind: 'scanning', foreign: false })
        scanFrames(run)
      },
      (error: ShownError) => {
        if (run === generation.current) setState({ kind: 'failed', error })
      }
    )
  }, [scanFrames, stop])

  // Leaving the screen (or the app) stops the camera.
  useEffect(() => () => stop(), [stop])

  return { state, video, start, stop }
}
