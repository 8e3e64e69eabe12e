import type { OpenedLink } from '../../../shared/opened-link.ts'
import { ErrorNotice } from '../../common/ErrorNotice.tsx'
import { useQrScan } from './use-qr-scan.ts'

// "Scan with camera" on the Enter code screen: the QR code on the other computer's Pair screen
// holds the pairwise:// link, which fills the fields like an opened link. Pair is still a click.

export function CameraScan({ disabled, onRead }: { disabled: boolean; onRead: (link: OpenedLink) => void }) {
  const { state, video, start, stop } = useQrScan(onRead)
  const active = state.kind === 'starting' || state.kind === 'scanning'

  return (
    <div className="camera-scan">
      {!active && (
        <button type="button" className="button" onClick={start} disabled={disabled} data-testid="scan-camera">
          Scan with camera
        </button>
      )}
      {state.kind === 'failed' && <ErrorNotice error={state.error} testId="camera-error" />}
      <div className="camera-view" hidden={!active}>
        <video ref={video} className="camera-video" muted playsInline aria-label="Camera" data-testid="camera-video" />
        <p className="status status-info" role="status" data-testid="camera-status">
          {state.kind === 'starting'
            ? 'Starting the camera…'
            : state.kind === 'scanning' && state.foreign
              ? 'That QR code is not a Pairwise link. Show the code from the other computer’s Pair screen.'
              : 'Hold the QR code from the other computer’s Pair screen in front of the camera.'}
        </p>
        <button type="button" className="button" onClick={() => stop()} data-testid="scan-cancel">
          Cancel scan
        </button>
      </div>
    </div>
  )
}
