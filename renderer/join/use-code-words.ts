import { useCallback, useEffect, useState } from 'react'
import { CODE_WORD_COUNT, applyCorrection } from '../../shared/code/index.ts'
import type { Correction } from '../../shared/code/index.ts'
import { forget, recall, remember } from '../app/tab-memory.ts'
import { EMPTY_WORDS, fillWords, settleWord } from './code-words.ts'

export interface CodeWordsState {
  words: readonly string[]
  /** Fields the person has left at least once: only those show "not a pairing word". */
  touched: readonly boolean[]
}

const INITIAL: CodeWordsState = { words: EMPTY_WORDS, touched: EMPTY_WORDS.map(() => false) }

// Half-typed words survive a reload of the tab. They are most of a pairing secret, so they live in
// sessionStorage only (this tab, gone when it closes; never localStorage, which outlives the tab
// and is shared by every tab of the origin), and are dropped as soon as the join ends or the
// person clears them: a finished code is no use, and a stored one is one more copy to leak.
const WORDS_KEY = 'pairwise.join-words'

function recallWords(): CodeWordsState {
  try {
    const kept = JSON.parse(recall(WORDS_KEY) ?? 'null') as unknown
    if (!Array.isArray(kept) || kept.length !== CODE_WORD_COUNT || !kept.every((w) => typeof w === 'string'))
      return INITIAL
    const words = kept.map((w: string) => w.slice(0, 64))
    return { words, touched: words.map((w) => w !== '') }
  } catch {
    return INITIAL
  }
}

/** Drops the kept copy; the fields keep what they show. */
export function forgetKeptWords(): void {
  forget(WORDS_KEY)
}

export function useCodeWords() {
  const [state, setState] = useState<CodeWordsState>(recallWords)

  useEffect(() => {
    if (state.words.every((w) => w === '')) forget(WORDS_KEY)
    else remember(WORDS_KEY, JSON.stringify(state.words))
  }, [state.words])

  const type = useCallback((i: number, raw: string) => {
    setState((s) => ({ ...s, words: s.words.map((w, k) => (k === i ? raw : w)) }))
  }, [])

  // Settles what the state holds, not what the DOM holds: a chosen suggestion may not be rendered yet.
  const settle = useCallback((i: number) => {
    setState((s) => ({
      words: s.words.map((w, k) => (k === i ? settleWord(w) : w)),
      touched: s.touched.map((t, k) => (k === i ? true : t))
    }))
  }, [])

  const choose = useCallback((i: number, word: string) => {
    setState((s) => ({
      words: s.words.map((w, k) => (k === i ? word : w)),
      touched: s.touched.map((t, k) => (k === i ? true : t))
    }))
  }, [])

  const fill = useCallback((from: number, pasted: readonly string[]) => {
    setState((s) => {
      const words = fillWords(s.words, from, pasted.map(settleWord))
      return { words, touched: words.map((w, k) => s.touched[k] === true || w !== '') }
    })
  }, [])

  // The service paired with a close variant of these words: the fields show the code that worked.
  const correct = useCallback((correction: Correction) => {
    setState((s) => ({ ...s, words: applyCorrection(s.words.map(settleWord), correction) }))
  }, [])

  const clear = useCallback(() => setState(INITIAL), [])

  return { ...state, type, settle, choose, fill, correct, clear }
}
