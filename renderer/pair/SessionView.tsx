import type { PairingSessionView } from '../../shared/api.ts'
import { useNow } from '../common/use-now.ts'
import { COPY_FEEDBACK, useCopy } from './use-copy.ts'
import { QrCode } from './QrCode.tsx'
import { WordGrid } from './WordGrid.tsx'
import { formatCountdown, formatMinutes } from '../../shared/format.ts'
import { formatAttempts, formatCrowd, formatDeclined, REACH_NOTE, sessionStatus } from './session-status.ts'
import { useAttemptsBlocked } from './use-attempts-blocked.ts'
import { ApprovalPrompt } from './ApprovalPrompt.tsx'

interface Props {
  session: PairingSessionView
  busy: boolean
  onCancel: () => void
  onNewCode: () => void
}

export function SessionView({ session, busy, onCancel, onNewCode }: Props) {
  const now = useNow(1000)
  const status = sessionStatus(session, now)
  const blocked = useAttemptsBlocked(session.sessionId)
  // Never more than the code's lifetime: `now` may be up to a tick old when a new code arrives
  // (and the service's clock a little ahead), which showed 5:01 for a 5-minute code.
  const remaining = Math.min(session.expiresAt - now, session.ttlMs)
  const [copyState, copy] = useCopy()

  return (
    <div className="session">
      {status.active && (
        <>
          <p className="note">
            Not a wallet recovery phrase — it expires in {formatMinutes(session.ttlMs)} and works once.
          </p>
          <div className="session-code">
            <WordGrid words={session.words} />
            <div className="session-side">
              <QrCode text={session.link} label="QR code of the pairing link" />
              <p className="countdown" role="timer" aria-live="off">
                Expires in{' '}
                <span className="countdown-time" data-testid="session-countdown">
                  {formatCountdown(remaining)}
                </span>
              </p>
            </div>
          </div>
        </>
      )}

      {session.state === 'approving' && session.approval != null && <ApprovalPrompt approval={session.approval} />}

      <div className="status-area" aria-live="polite" aria-atomic="true">
        <p className={`status status-${status.tone}`} data-testid="session-status" data-state={session.state}>
          {status.text}
        </p>
        {status.active && (
          <p className="status status-info" data-testid="session-reach" data-reach={session.reach}>
            {REACH_NOTE[session.reach]}
          </p>
        )}
        {status.active && session.refused > 0 && (
          <p className="status status-warning" data-testid="session-crowd" data-refused={session.refused}>
            {formatCrowd(session.refused)}
          </p>
        )}
        {status.active && session.declined != null && session.state === 'waiting' && (
          <p className="status status-warning" data-testid="session-declined" data-reason={session.declined.reason}>
            {formatDeclined(session.declined)}
          </p>
        )}
        {session.failedAttempts > 0 && (
          <p className="status status-warning" data-testid="failed-attempts">
            {formatAttempts(session.failedAttempts)}
            {blocked ? ' — that device can no longer try.' : '.'}
          </p>
        )}
      </div>

      <div className="actions">
        {status.active && (
          <button
            type="button"
            className="button"
            onClick={() => copy(session.words.join(' '))}
            data-testid="copy-words"
          >
            Copy words
          </button>
        )}
        {status.active && (
          <button type="button" className="button" onClick={() => copy(session.link)} data-testid="copy-link">
            Copy link
          </button>
        )}
        {status.active && (
          <button type="button" className="button" onClick={onCancel} disabled={busy} data-testid="cancel-pairing">
            Cancel
          </button>
        )}
        <button
          type="button"
          className={status.active ? 'button' : 'button primary'}
          onClick={onNewCode}
          disabled={busy}
          data-testid="new-code"
        >
          New code
        </button>
        <span className="copy-feedback" role="status">
          {COPY_FEEDBACK[copyState]}
        </span>
      </div>
    </div>
  )
}
