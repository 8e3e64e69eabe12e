import { useEffect, useMemo, useRef, useState } from 'react'
import type { ClipboardEvent } from 'react'
import type { JoinStatus } from '../../shared/api.ts'
import { CODE_WORD_COUNT, parseCode } from '../../shared/code/index.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'
import type { ShownError } from '../common/shown-error.ts'
import { ChecksumStatus } from './ChecksumStatus.tsx'
import { JoinProgressList } from './JoinProgressList.tsx'
import { JoinResult } from './JoinResult.tsx'
import { ApprovalWait } from './ApprovalWait.tsx'
import { WordInput } from './WordInput.tsx'
import { checkCode, readPaste } from './code-words.ts'
import { progressRows } from './progress.ts'
import { forgetKeptWords, useCodeWords } from './use-code-words.ts'
import { useJoin } from './use-join.ts'
import type { OpenedLink } from '../../shared/opened-link.ts'
import { CameraScan } from './scan/CameraScan.tsx'

/** A link opened from outside (App.tsx); `n` tells one opening of the same link from the next. */
export interface OpenedLinkArrival {
  link: OpenedLink
  n: number
}

const FILLED_NOTE = {
  link: 'Filled in from the link you opened.',
  camera: 'Read from the QR code.'
} as const

interface Props {
  /** This tab is the one shown: choosing it puts the cursor in the first word still to type. */
  shown: boolean
  /** The service's last join when the page loaded: a reload during a join still shows how it ended. */
  restoredJoin: JoinStatus | null
  onShowDevices: () => void
  opened?: OpenedLinkArrival | null
}

export function JoinScreen({ shown, restoredJoin, onShowDevices, opened = null }: Props) {
  const code = useCodeWords()
  const { phase, events, join, cancel, reset } = useJoin(restoredJoin, code.correct)
  const [pasteError, setPasteError] = useState<ShownError | null>(null)
  const inputs = useRef<(HTMLInputElement | null)[]>([])
  const pairButton = useRef<HTMLButtonElement | null>(null)

  const check = useMemo(() => checkCode(code.words, code.touched), [code.words, code.touched])
  const joining = phase.kind === 'joining'
  // A code works once: after pairing, Pair waits for new words rather than offering a sure failure.
  // Words that do not fit together can still be paired: the service checks their close variants.
  const canPair = check.kind !== 'incomplete' && !joining && phase.kind !== 'paired'
  const rows = useMemo(() => progressRows(events, joining), [events, joining])
  // The slip the service undid to pair, told on the result in plain words.
  const correction = events.findLast((e) => e.correction !== undefined)?.correction
  // The other device's person is deciding: show the digits they compare (issue 12).
  const asked = events.findLastIndex((e) => e.step === 'awaiting-approval')
  const answered = events.slice(asked + 1).some((e) => e.step === 'committing' || e.step === 'paired')
  const waitingFor = joining && asked >= 0 && !answered ? events[asked] : undefined

  // The join is over: the kept copy of its words goes (see use-code-words.ts); the fields keep them.
  const finished = phase.kind === 'paired' || phase.kind === 'failed'
  useEffect(() => {
    if (finished) forgetKeptWords()
  }, [finished])

  // Only when the tab is chosen (not on every word typed): the next thing to do there is type word 1.
  useEffect(() => {
    if (!shown) return
    const first = inputs.current.find((input) => input !== null && input.value === '' && !input.disabled)
    first?.focus()
  }, [shown])

  const focusField = (i: number): void => {
    // A word field takes the focus now, inside the key's own handler: deferred to the next frame,
    // a letter typed right after Space still landed in the previous field ("abandona", "bility").
    if (i < CODE_WORD_COUNT) return inputs.current[i]?.focus()
    // The Pair button may still be disabled until React renders the settled word.
    requestAnimationFrame(() => pairButton.current?.focus())
  }

  const start = (): void => {
    if (check.kind !== 'incomplete') join(check.code)
  }

  // A link or a QR code only fills the fields: whoever made it, Pair is still the person's click.
  const [filledFrom, setFilledFrom] = useState<keyof typeof FILLED_NOTE | null>(null)
  const fillFromLink = (link: OpenedLink, from: keyof typeof FILLED_NOTE): void => {
    setFilledFrom(null)
    if (joining) {
      const hint = 'Cancel it first, then open the link again.'
      return setPasteError({ code: 'invalid-link', message: 'A pairing is already running.', hint })
    }
    if (!link.ok) return setPasteError({ code: 'invalid-link', message: link.message, hint: link.hint })
    setPasteError(null)
    reset()
    code.fill(0, link.words)
    setFilledFrom(from)
    focusField(CODE_WORD_COUNT)
  }
  const fillRef = useRef(fillFromLink)
  fillRef.current = fillFromLink
  useEffect(() => {
    if (opened !== null) fillRef.current(opened.link, 'link')
  }, [opened])

  const onPaste = (i: number, e: ClipboardEvent<HTMLInputElement>): void => {
    const text = e.clipboardData.getData('text')
    const pasted = readPaste(text)
    if (pasted.kind === 'none') return
    e.preventDefault()
    if (pasted.kind === 'error')
      return setPasteError({ code: 'invalid-link', message: pasted.message, hint: pasted.hint })
    const from = pasted.fromStart ? 0 : i
    code.fill(from, pasted.words)
    // Too many words, or a cut-off link: parseCode says so precisely; the fields cannot show it.
    const parsed = parseCode(text)
    const countProblem =
      !parsed.ok && (parsed.error.code === 'wrong-word-count' || parsed.error.code === 'invalid-link')
    setPasteError(countProblem && (pasted.fromStart || pasted.words.length > CODE_WORD_COUNT) ? parsed.error : null)
    focusField(Math.min(from + pasted.words.length, CODE_WORD_COUNT))
  }

  return (
    <>
      <h1 id="heading-join">Enter code</h1>
      <p className="lede">
        Type the 12 words shown on the other computer, or paste them (or a pairwise:// link) into any field.
      </p>
      <CameraScan disabled={joining} onRead={(link) => fillFromLink(link, 'camera')} />
      <form
        className="join-form"
        onSubmit={(e) => {
          e.preventDefault()
          start()
        }}
      >
        <div className="word-inputs" role="group" aria-label="Pairing words">
          {code.words.map((value, i) => (
            <WordInput
              key={i}
              index={i}
              value={value}
              touched={code.touched[i] === true}
              disabled={joining}
              inputRef={(el) => {
                inputs.current[i] = el
              }}
              onType={(v) => {
                setPasteError(null)
                setFilledFrom(null)
                code.type(i, v)
              }}
              onSettle={() => code.settle(i)}
              onChoose={(w) => code.choose(i, w)}
              onNext={(key) => {
                if (key === 'Enter' && i === CODE_WORD_COUNT - 1 && canPair) return start()
                focusField(i + 1)
              }}
              onBackFromEmpty={() => {
                if (i > 0) focusField(i - 1)
              }}
              onPaste={(e) => onPaste(i, e)}
            />
          ))}
        </div>
        {pasteError !== null && <ErrorNotice error={pasteError} testId="paste-error" />}
        {filledFrom !== null && (
          <p className="status status-info" data-testid="code-filled" data-from={filledFrom}>
            {FILLED_NOTE[filledFrom]} Check that the words match the other computer, then click Pair.
          </p>
        )}
        <div className="join-bar">
          <ChecksumStatus check={check} onApply={(words) => code.fill(0, words)} />
          <div className="actions">
            {joining ? (
              <button type="button" className="button" onClick={cancel} data-testid="cancel-join">
                Cancel
              </button>
            ) : (
              <button
                type="button"
                className="button"
                onClick={() => {
                  code.clear()
                  reset()
                  setPasteError(null)
                  setFilledFrom(null)
                  focusField(0)
                }}
              >
                Clear
              </button>
            )}
            <button
              ref={pairButton}
              type="submit"
              className="button primary"
              disabled={!canPair}
              data-testid="join-button"
            >
              {joining ? 'Pairing…' : 'Pair'}
            </button>
          </div>
        </div>
      </form>
      {(joining || rows.length > 0) && <JoinProgressList rows={rows} events={events} />}
      {waitingFor?.step === 'awaiting-approval' && waitingFor.check !== undefined && (
        <ApprovalWait check={waitingFor.check} deadline={waitingFor.deadline} />
      )}
      <JoinResult
        phase={phase}
        correction={correction}
        onRetry={start}
        onShowDevices={onShowDevices}
        onPairAnother={() => {
          code.clear()
          reset()
          setFilledFrom(null)
          focusField(0)
        }}
      />
    </>
  )
}
