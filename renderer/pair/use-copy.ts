import { useEffect, useState } from 'react'

export type CopyState = 'idle' | 'copied' | 'failed'

export const COPY_FEEDBACK: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied',
  failed: 'Could not copy — select the words instead'
}

/** Clipboard write with a short-lived outcome to show next to the button. */
export function useCopy(): [CopyState, (text: string) => void] {
  const [state, setState] = useState<CopyState>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 2500)
    return () => clearTimeout(timer)
  }, [state])
  const copy = (text: string): void => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed')
    )
  }
  return [state, copy]
}
