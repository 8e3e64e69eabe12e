import { EVENTS, type EventName, type EventPayload, type PairingApi } from '../../shared/api.ts'
import { consoleReport, type ReportUnexpected } from './dispatch.ts'

// The event half of the dispatch: every transport forwards the same events,
// each checked against its schema first, so a bug in the engine cannot push a
// payload outside the contract to a page or a CLI.

export interface EventMessage {
  event: EventName
  payload: unknown
}

/** Subscribes to one event; only payloads that match its schema reach `listener`. Returns the undo. */
export function onChecked<E extends EventName>(
  api: Pick<PairingApi, 'on'>,
  event: E,
  listener: (payload: EventPayload<E>) => void,
  report: ReportUnexpected = consoleReport
): () => void {
  return api.on(event, (payload) => {
    const checked = EVENTS[event].safeParse(payload)
    if (checked.success) listener(checked.data as EventPayload<E>)
    else report(event, 'event dropped: its payload breaks the contract', checked.error.issues)
  })
}

/** Subscribes to every contract event and delivers the valid ones as `{ event, payload }`. Returns the undo. */
export function forwardEvents(
  api: Pick<PairingApi, 'on'>,
  deliver: (message: EventMessage) => void,
  report: ReportUnexpected = consoleReport
): () => void {
  const unsubscribes = (Object.keys(EVENTS) as EventName[]).map((event) =>
    onChecked(api, event, (payload) => deliver({ event, payload }), report)
  )
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
}
