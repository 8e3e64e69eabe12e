import { useCallback, useState } from 'react'
import { EMPTY_WORDS, fillWords, settleWord } from './code-words.ts'

export interface CodeWordsState {
  words: readonly string[]
  /** Fields the person has left at least once: only those show "not a pairing word". */
  touched: readonly boolean[]
}

const INITIAL: CodeWordsState = { words: EMPTY_WORDS, touched: EMPTY_WORDS.map(() => false) }

export function useCodeWords() {
  const [state, setState] = useState<CodeWordsState>(INITIAL)

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

  const clear = useCallback(() => setState(INITIAL), [])

  return { ...state, type, settle, choose, fill, clear }
}
