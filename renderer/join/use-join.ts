import { useCallback, useEffect, useRef, useState } from 'react'
import type { DeviceView, JoinProgress, JoinStatus } from '../../shared/api.ts'
import { CODE_TTL_MAX_MS } from '../../shared/limits.ts'
import { useApi } from '../app/api-context.ts'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'

export type Correction = NonNullable<JoinProgress['correction']>

export type JoinPhase =
  | { kind: 'idle' }
  | { kind: 'joining' }
  | { kind: 'paired'; device: DeviceView }
  | { kind: 'failed'; error: ShownError }

/** As long as a code can live: past that, the words on screen could not be used again anyway. */
const RESTORE_WITHIN_MS = CODE_TTL_MAX_MS

function newJoinId(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** What the service's record of a join means on this screen; a cancelled join leaves the form as it was. */
function phaseOf(status: JoinStatus): JoinPhase {
  if (status.state === 'joining') return { kind: 'joining' }
  if (status.state === 'paired' && status.device !== null) return { kind: 'paired', device: status.device }
  if (status.state === 'failed' && status.error !== null) return { kind: 'failed', error: shownError(status.error) }
  return { kind: 'idle' }
}

/**
 * One join at a time, with the progress events that belong to it (matched by our own join id).
 * `restored` is the service's last join when this screen appeared: after a reload, the join the
 * page started before is picked up (its progress so far, then its outcome from 'join-status').
 */
export function useJoin(last: JoinStatus | null, onCorrected: (correction: Correction) => void) {
  const api = useApi()
  // Told only of corrections reported live: fields restored after a reload already show them.
  const corrected = useRef(onCorrected)
  corrected.current = onCorrected
  // An outcome from long ago (the page was left on it and never cleared) is not worth showing.
  const [restored] = useState(() =>
    last !== null && (last.finishedAt === null || Date.now() - last.finishedAt < RESTORE_WITHIN_MS) ? last : null
  )
  const [phase, setPhase] = useState<JoinPhase>(() => (restored === null ? { kind: 'idle' } : phaseOf(restored)))
  const [events, setEvents] = useState<JoinProgress[]>(() =>
    restored === null || restored.state === 'cancelled' ? [] : restored.progress
  )
  const joinId = useRef<string | null>(restored?.joinId ?? null)
  const cancelled = useRef(false)

  useEffect(() => {
    const offs = [
      api.on('join-progress', (event) => {
        if (event.joinId !== joinId.current) return
        setEvents((list) => [...list, event])
        if (event.correction !== undefined) corrected.current(event.correction)
      }),
      // The outcome of a join whose call belonged to the page before a reload arrives only here.
      api.on('join-status', (status) => {
        if (status.joinId === joinId.current && status.state !== 'joining') setPhase(phaseOf(status))
      })
    ]
    return () => offs.forEach((off) => off())
  }, [api])

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
    // Moved on: a later reload starts from an empty form, not this outcome.
    api.dismissJoin({}).catch((err: unknown) => console.warn('Pairwise: dismissJoin failed', err))
  }, [api])

  return { phase, events, join, cancel, reset }
}
