import { useState } from 'react'
import type { PairingSessionView } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'
import { SessionView } from './SessionView.tsx'

type SessionUpdate = (current: PairingSessionView | null) => PairingSessionView | null

interface Props {
  session: PairingSessionView | null
  applySession: (update: SessionUpdate) => void
}

export function PairScreen({ session, applySession }: Props) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ShownError | null>(null)
  // On by default: the person sees who proved the code before it pairs (issue 12).
  const [approve, setApprove] = useState(true)

  const run = (action: () => Promise<void>): void => {
    setBusy(true)
    setError(null)
    action()
      .catch((err: unknown) => setError(shownError(err)))
      .finally(() => setBusy(false))
  }

  // The `session` event may have overtaken the answer with a newer state of the same session.
  const start = (): void =>
    run(async () => {
      const started = await api.startPairing({ approve })
      applySession((current) => (current?.sessionId === started.sessionId ? current : started))
    })

  const cancel = (): void =>
    run(async () => {
      const { cancelled } = await api.cancelPairing({})
      if (!cancelled) return
      applySession((current) =>
        current !== null &&
        (current.state === 'waiting' || current.state === 'approving' || current.state === 'committing')
          ? { ...current, state: 'cancelled' }
          : current
      )
    })

  return (
    <>
      <h1 id="heading-pair">Pair device</h1>
      {session === null ? (
        <div className="intro">
          <p>Show 12 words here, then type them on the other computer. Both computers will then trust each other.</p>
          <label className="pair-options">
            <input
              type="checkbox"
              checked={approve}
              onChange={(e) => setApprove(e.target.checked)}
              data-testid="approve-toggle"
            />{' '}
            Ask me before a device pairs (shows its name and six digits to compare)
          </label>
          <button
            type="button"
            className="button primary large"
            onClick={start}
            disabled={busy}
            data-testid="start-pairing"
          >
            Pair device
          </button>
        </div>
      ) : (
        <SessionView session={session} busy={busy} onCancel={cancel} onNewCode={start} />
      )}
      {error !== null && <ErrorNotice error={error} testId="pair-error" />}
    </>
  )
}
