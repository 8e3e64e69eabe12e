import { useState } from 'react'
import type { ClipboardEvent, KeyboardEvent, Ref } from 'react'
import { completions, isWord, normalizeWord, suggestionsFor } from '../../shared/code/index.ts'

interface Props {
  index: number
  value: string
  touched: boolean
  disabled: boolean
  inputRef: Ref<HTMLInputElement>
  onType: (value: string) => void
  onSettle: () => void
  onChoose: (word: string) => void
  /** Space or Enter: the person is done with this word. */
  onNext: (key: 'Enter' | ' ') => void
  onBackFromEmpty: () => void
  onPaste: (event: ClipboardEvent<HTMLInputElement>) => void
}

const MAX_OPTIONS = 6

/** One word of the code: a combobox over the BIP39 list, with its own error and suggestions. */
export function WordInput(props: Props) {
  const { index, value, touched, disabled } = props
  const n = index + 1
  const [focused, setFocused] = useState(false)
  const [dismissed, setDismissed] = useState(false)
  const [active, setActive] = useState(-1)

  const typed = normalizeWord(value.trim())
  const options = typed === '' ? [] : completions(typed, MAX_OPTIONS)
  const settled = options.length === 1 && options[0] === typed
  const open = focused && !dismissed && !disabled && options.length > 0 && !settled
  const invalid = touched && typed !== '' && !isWord(typed)
  const suggestions = invalid ? suggestionsFor(typed) : []

  const ids = { input: `word-input-${n}`, list: `word-options-${n}`, error: `word-error-${n}` }
  const optionId = (k: number): string => `${ids.list}-${k}`

  const choose = (word: string): void => {
    setActive(-1)
    props.onChoose(word)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (options.length === 0) return
      e.preventDefault()
      setDismissed(false)
      const step = e.key === 'ArrowDown' ? 1 : -1
      // -1 is the typed text itself, as in the browser's own autocomplete.
      setActive((a) => {
        const next = a + step
        if (next < -1) return options.length - 1
        return next >= options.length ? -1 : next
      })
      return
    }
    if (e.key === 'Escape') {
      if (open) {
        e.preventDefault()
        setDismissed(true)
        setActive(-1)
      }
      return
    }
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      const highlighted = open && active >= 0 ? options[active] : undefined
      if (highlighted !== undefined) choose(highlighted)
      else props.onSettle()
      props.onNext(e.key)
      return
    }
    if (e.key === 'Backspace' && value === '') {
      e.preventDefault()
      props.onBackFromEmpty()
    }
  }

  return (
    <div className="word-field">
      <label htmlFor={ids.input} className="word-label">
        <span aria-hidden="true">{n}</span>
        <span className="sr-only">Word {n}</span>
      </label>
      <div className="word-control">
        <input
          id={ids.input}
          ref={props.inputRef}
          className="word-input"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={ids.list}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          aria-invalid={invalid}
          aria-describedby={invalid ? ids.error : undefined}
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={100}
          value={value}
          disabled={disabled}
          data-testid={`word-input-${n}`}
          onChange={(e) => {
            setDismissed(false)
            setActive(-1)
            props.onType(e.target.value)
          }}
          onKeyDown={onKeyDown}
          onPaste={props.onPaste}
          onFocus={() => setFocused(true)}
          onBlur={() => {
            setFocused(false)
            setActive(-1)
            props.onSettle()
          }}
        />
        <ul
          id={ids.list}
          role="listbox"
          aria-label={`Words starting with ${typed}`}
          className="completions"
          hidden={!open}
        >
          {open &&
            options.map((word, k) => (
              <li
                key={word}
                id={optionId(k)}
                role="option"
                aria-selected={k === active}
                className="completion"
                // Keeps focus in the field, so that blur does not settle the half-typed word first.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  choose(word)
                  props.onNext(' ')
                }}
              >
                {word}
              </li>
            ))}
        </ul>
      </div>
      {invalid && (
        <p className="word-error" id={ids.error} data-testid={`word-error-${n}`}>
          Not a pairing word.
          {suggestions.length > 0 && (
            <>
              {' '}
              Did you mean{' '}
              {suggestions.map((s, k) => (
                <span key={s}>
                  <button
                    type="button"
                    className="suggestion"
                    onClick={() => props.onChoose(s)}
                    aria-label={`Did you mean ${s}?`}
                  >
                    {s}
                  </button>
                  {k < suggestions.length - 1 ? ' ' : ''}
                </span>
              ))}
              ?
            </>
          )}
        </p>
      )}
    </div>
  )
}
