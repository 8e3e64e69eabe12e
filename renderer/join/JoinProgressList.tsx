import type { JoinProgress } from '../../shared/api.ts'
import { detailLines, type ProgressRow } from './progress.ts'

const STATE_TEXT: Record<ProgressRow['state'], string> = {
  active: 'in progress',
  done: 'done',
  failed: 'failed',
  idle: 'stopped'
}

export function JoinProgressList({ rows, events }: { rows: readonly ProgressRow[]; events: readonly JoinProgress[] }) {
  return (
    <div className="progress-block">
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
      {events.length > 0 && (
        <details className="progress-details" data-testid="join-details">
          <summary>Technical details</summary>
          <ol>
            {detailLines(events).map((line) => (
              <li key={line.key}>
                <span className="progress-details-at">{line.at}</span> {line.message}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  )
}
