import type { CodeCheck } from './code-words.ts'

interface Props {
  check: CodeCheck
  onFix: (position: number, word: string) => void
}

export function ChecksumStatus({ check, onFix }: Props) {
  return (
    <div className="checksum" aria-live="polite">
      {check.kind === 'incomplete' && (
        <p className="status status-info" data-testid="checksum-status" data-state="incomplete">
          {check.validCount} of 12 words entered
        </p>
      )}
      {check.kind === 'ok' && (
        <p className="status status-success" data-testid="checksum-status" data-state="ok">
          Checksum OK
        </p>
      )}
      {check.kind === 'mismatch' && (
        <>
          <p className="status status-error" data-testid="checksum-status" data-state="mismatch">
            These words don't fit together — check each one
          </p>
          {check.fixes.length > 0 && (
            <p className="fixes">
              One of these changes would fit:{' '}
              {check.fixes.map((fix) => (
                <button
                  key={`${fix.position}-${fix.word}`}
                  type="button"
                  className="suggestion"
                  data-testid="checksum-fix"
                  onClick={() => onFix(fix.position, fix.word)}
                >
                  word {fix.position} → {fix.word}
                </button>
              ))}
            </p>
          )}
        </>
      )}
    </div>
  )
}
