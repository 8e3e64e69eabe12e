import type { CodeCheck } from './code-words.ts'

interface Props {
  check: CodeCheck
  /** Puts the 12 words of a suggestion in the fields. */
  onApply: (words: string[]) => void
}

// On a mismatch, the likeliest slips only (two words swapped, one misheard or mistyped), each
// said in words, one click each; and Pair stays usable, because the service itself checks the
// close variants with the waiting device without sending a guess (issue 12).
export function ChecksumStatus({ check, onApply }: Props) {
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
            {check.unknown === undefined
              ? "These words don't fit together — one may be misheard, or two swapped"
              : `Word ${check.unknown} is not a pairing word`}
          </p>
          {check.slips.length > 0 && (
            <p className="fixes" data-testid="slip-list">
              Likely:{' '}
              {check.slips.map((slip) => (
                <button
                  key={slip.label}
                  type="button"
                  className="suggestion"
                  data-testid="slip-suggestion"
                  onClick={() => onApply(slip.words)}
                >
                  {slip.label}
                </button>
              ))}
            </p>
          )}
          <p className="status status-info" data-testid="pair-checks-variants">
            Or click Pair: Pairwise will check the close variants with the other device.
          </p>
        </>
      )}
    </div>
  )
}
