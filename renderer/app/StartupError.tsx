import { ErrorNotice } from '../common/ErrorNotice.tsx'
import type { ShownError } from '../common/shown-error.ts'

export function StartupError({ error, onRetry }: { error: ShownError; onRetry: () => void }) {
  return (
    <main className="startup">
      <h1>Pairwise</h1>
      <ErrorNotice error={error} testId="startup-error" />
      <button type="button" className="button primary" onClick={onRetry}>
        Try again
      </button>
    </main>
  )
}
