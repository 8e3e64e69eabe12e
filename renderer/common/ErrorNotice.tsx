import type { ShownError } from './shown-error.ts'

/** An error said plainly: what happened, then what to do. */
export function ErrorNotice({ error, testId }: { error: ShownError; testId?: string }) {
  return (
    <div className="notice notice-error" role="alert" data-testid={testId}>
      <p className="notice-title">{error.message}</p>
      {error.hint !== undefined && <p className="notice-hint">{error.hint}</p>}
    </div>
  )
}
