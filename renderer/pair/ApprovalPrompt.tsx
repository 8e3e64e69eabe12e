import { useState } from 'react'
import type { PendingApproval } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { useNow } from '../common/use-now.ts'
import { shownError, type ShownError } from '../common/shown-error.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'

// A device proved it knows the code; nothing is stored until the person
// allows it. The six check digits are on the other device's screen too: when
// they match, the device asking is the one in front of the person.
export function ApprovalPrompt({ approval }: { approval: PendingApproval }) {
  const api = useApi()
  const now = useNow(1000)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ShownError | null>(null)
  const secondsLeft = Math.max(0, Math.ceil((approval.deadline - now) / 1000))

  const answer = (allow: boolean): void => {
    setBusy(true)
    setError(null)
    api
      .answerApproval({ peerId: approval.peerId, allow })
      .catch((err: unknown) => setError(shownError(err)))
      .finally(() => setBusy(false))
  }

  return (
    <div className="approval" role="alertdialog" aria-labelledby="approval-title" data-testid="approval-prompt">
      <p className="approval-title" id="approval-title">
        A device proved it knows the code. Allow it to pair?
      </p>
      <dl className="approval-facts">
        <dt>Name</dt>
        <dd data-testid="approval-name">{approval.name}</dd>
        <dt>System</dt>
        <dd>{approval.os}</dd>
        <dt>Fingerprint</dt>
        <dd className="fingerprint">{approval.fingerprint}</dd>
      </dl>
      <p className="approval-check-label">The other device shows the same six digits:</p>
      <p className="check-string" data-testid="approval-check">
        {approval.check}
      </p>
      <p className="approval-deadline">
        Not paired unless you allow it within {secondsLeft} s. If the digits differ, or you do not know this device,
        deny it.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => answer(true)}
          disabled={busy}
          data-testid="approval-allow"
        >
          Allow
        </button>
        <button
          type="button"
          className="button"
          onClick={() => answer(false)}
          disabled={busy}
          data-testid="approval-deny"
        >
          Deny
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} />}
    </div>
  )
}
