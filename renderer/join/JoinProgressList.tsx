import type { ProgressRow } from './progress.ts'

const STATE_TEXT: Record<ProgressRow['state'], string> = {
  active: 'in progress',
  done: 'done',
  failed: 'failed',
  idle: 'stopped'
}

export function JoinProgressList({ rows }: { rows: readonly ProgressRow[] }) {
  return (
    <ol className="progress" aria-label="Pairing progress" aria-live="polite" data-testid="join-progress">
      {rows.length === 0 && (
        <li className="progress-row progress-active" data-step="starting">
          <span className="progress-marker" aria-hidden="true" />
          <span className="progress-label">Starting</span>
          <span className="progress-message">Looking for the other device…</span>
        </li>
      )}
      {rows.map((row) => (
        <li key={row.key} className={`progress-row progress-${row.state}`} data-step={row.key}>
          <span className="progress-marker" aria-hidden="true" />
          <span className="progress-label">{row.label}</span>
          <span className="progress-message">{row.message}</span>
          <span className="sr-only">({STATE_TEXT[row.state]})</span>
        </li>
      ))}
    </ol>
  )
}
