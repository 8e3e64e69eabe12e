import { useNow } from '../common/use-now.ts'

// The joiner's side of the question: the other device's person decides, and
// compares these six digits with the ones on their screen.
export function ApprovalWait({ check, deadline }: { check: string; deadline: number | undefined }) {
  const now = useNow(1000)
  const secondsLeft = deadline === undefined ? undefined : Math.max(0, Math.ceil((deadline - now) / 1000))
  return (
    <div className="approval" role="status" data-testid="approval-wait">
      <p className="approval-title">Waiting for the other device to allow this pairing</p>
      <p className="approval-check-label">It shows the same six digits:</p>
      <p className="check-string" data-testid="join-check">
        {check}
      </p>
      {secondsLeft !== undefined && (
        <p className="approval-deadline">Nothing is saved unless it is allowed there within {secondsLeft} s.</p>
      )}
    </div>
  )
}
