import { useEffect, useRef } from 'react'
import type { Correction, JoinPhase } from './use-join.ts'
import { describeCorrection } from '../../shared/code/index.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'

interface Props {
  phase: JoinPhase
  /** The slip in the typed words that the service undid, if it had to. */
  correction?: Correction | undefined
  onRetry: () => void
  onShowDevices: () => void
  onPairAnother: () => void
}

/** Failures that trying the same words again can only repeat: the code itself is over. */
const CODE_OVER = new Set(['code-expired', 'code-used', 'code-cancelled', 'attempts-exceeded', 'denied'])

export function JoinResult({ phase, correction, onRetry, onShowDevices, onPairAnother }: Props) {
  const ref = useRef<HTMLDivElement>(null)
  // At 800×600 the outcome lands below the fold, under the words and the progress list.
  useEffect(() => {
    if (phase.kind === 'failed' || phase.kind === 'paired') ref.current?.scrollIntoView({ block: 'nearest' })
  }, [phase])

  if (phase.kind === 'failed') {
    return (
      <div className="result" ref={ref}>
        <ErrorNotice error={phase.error} testId="join-error" />
        <div className="actions">
          {CODE_OVER.has(phase.error.code) ? (
            <button type="button" className="button primary" onClick={onPairAnother} data-testid="join-new-code">
              Enter a new code
            </button>
          ) : (
            <button type="button" className="button primary" onClick={onRetry} data-testid="join-retry">
              Retry
            </button>
          )}
        </div>
      </div>
    )
  }
  if (phase.kind === 'paired') {
    return (
      <div className="result" ref={ref}>
        <p className="notice notice-success" role="status" data-testid="join-success">
          Paired with {phase.device.name}
          {correction !== undefined && <span data-testid="join-corrected"> — {describeCorrection(correction)}</span>}
        </p>
        <div className="actions">
          <button type="button" className="button primary" onClick={onShowDevices}>
            Show devices
          </button>
          <button type="button" className="button" onClick={onPairAnother}>
            Enter another code
          </button>
        </div>
      </div>
    )
  }
  return null
}
