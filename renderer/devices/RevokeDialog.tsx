import { useEffect, useRef, useState } from 'react'
import type { DeviceView } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'

interface Props {
  device: DeviceView | null
  onClose: () => void
  onRevoked: (device: DeviceView) => void
}

// A native modal <dialog>: the browser traps focus, makes the page inert and maps Escape to cancel.
export function RevokeDialog({ device, onClose, onRevoked }: Props) {
  const api = useApi()
  const ref = useRef<HTMLDialogElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ShownError | null>(null)

  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    if (device !== null && !dialog.open) {
      setError(null)
      dialog.showModal()
    }
    if (device === null && dialog.open) dialog.close()
  }, [device])

  const confirm = (): void => {
    if (device === null) return
    setBusy(true)
    setError(null)
    api
      .revokeDevice({ peerId: device.peerId })
      .then(onRevoked, (err: unknown) => setError(shownError(err)))
      .finally(() => setBusy(false))
  }

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="revoke-title"
      aria-describedby="revoke-text"
      onClose={onClose}
      data-testid="revoke-dialog"
    >
      {device !== null && (
        <>
          <h2 id="revoke-title">Revoke {device.name}?</h2>
          <p id="revoke-text">
            This computer stops trusting {device.name} at once. {device.name} is told now, or the next time it can be
            reached. To trust it again, pair with a new code.
          </p>
          {error !== null && <ErrorNotice error={error} />}
          <div className="actions dialog-actions">
            <button type="button" className="button" onClick={onClose} autoFocus disabled={busy}>
              Cancel
            </button>
            <button
              type="button"
              className="button danger"
              onClick={confirm}
              disabled={busy}
              data-testid="confirm-revoke"
            >
              Revoke
            </button>
          </div>
        </>
      )}
    </dialog>
  )
}
