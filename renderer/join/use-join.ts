import { useCallback, useEffect, useRef, useState } from 'react'
import type { DeviceView, JoinProgress } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'

export type JoinPhase =
  | { kind: 'idle' }
  | { kind: 'joining' }
  | { kind: 'paired'; device: DeviceView }
  | { kind: 'failed'; error: ShownError }

function newJoinId(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** One join at a time, with the progress events that belong to it (matched by our own join id). */
export function useJoin() {
  const api = useApi()
  const [phase, setPhase] = useState<JoinPhase>({ kind: 'idle' })
  const [events, setEvents] = useState<JoinProgress[]>([])
  const joinId = useRef<string | null>(null)
  const cancelled = useRef(false)

  useEffect(
    () =>
      api.on('join-progress', (event) => {
        if (event.joinId === joinId.current) setEvents((list) => [...list, event])
      }),
    [api]
  )

  const join = useCallback(
    (code: string) => {
      const id = newJoinId()
      joinId.current = id
      cancelled.current = false
      setEvents([])
      setPhase({ kind: 'joining' })
      api.join({ code, joinId: id }).then(
        (device) => {
          if (joinId.current === id) setPhase({ kind: 'paired', device })
        },
        (err: unknown) => {
          if (joinId.current !== id) return
          setPhase(cancelled.current ? { kind: 'idle' } : { kind: 'failed', error: shownError(err) })
        }
      )
    },
    [api]
  )

  const cancel = useCallback(() => {
    cancelled.current = true
    api.cancelJoin({}).catch((err: unknown) => console.warn('Pairwise: cancelJoin failed', err))
  }, [api])

  const reset = useCallback(() => {
    joinId.current = null
    setEvents([])
    setPhase({ kind: 'idle' })
  }, [])

  return { phase, events, join, cancel, reset }
}
