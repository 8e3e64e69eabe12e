import type { ShownError } from '../common/shown-error.ts'

// Pairwise runs, but not for this page: the service was restarted (`pairwise daemon --ui`
// makes a new access token at every start) and this tab still holds the old token, or the
// page was opened without one. "Cannot reach, check that it runs" would send the person
// after a problem they do not have: this page says what happened and where the right link is.
export function AccessRefused({ error, onRetry }: { error: ShownError; onRetry: () => void }) {
  return (
    <main className="startup" data-testid="token-refused">
      <h1>Pairwise</h1>
      <div className="notice notice-warning" role="alert">
        <p className="notice-title">{error.message}</p>
        {error.hint !== undefined && <p className="notice-hint">{error.hint}</p>}
      </div>
      <p>
        That link is in the terminal that runs <code>pairwise daemon --ui</code>, on the line after “Web UI” (it ends in{' '}
        <code>?token=…</code>). Open it, then close this tab.
      </p>
      <button type="button" className="button" onClick={onRetry}>
        Try this page again
      </button>
    </main>
  )
}
