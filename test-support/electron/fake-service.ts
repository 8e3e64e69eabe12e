// A PairingService that answers from the test, for the IPC and preload tests:
// they check what crosses the bridge, not what the engine does.
import type { EventName, EventPayload, MethodName } from '../../shared/api.ts'
import { Emitter } from '../../shared/emitter.ts'
import { METHOD_NAMES } from '../../main/electron/channels.ts'
import type { PairingService } from '../../main/engine/service/types.ts'

type Events = { [E in EventName]: EventPayload<E> }

/** A service whose methods record their calls and answer with what a test supplies. */
export function fakeService(answers: Partial<Record<MethodName, (params: unknown) => unknown>> = {}): {
  service: PairingService
  calls: Array<{ method: MethodName; params: unknown }>
  events: Emitter<Events>
} {
  const calls: Array<{ method: MethodName; params: unknown }> = []
  const events = new Emitter<Events>()
  const methods = Object.fromEntries(
    METHOD_NAMES.map((method) => [
      method,
      async (params: unknown) => {
        calls.push({ method, params })
        return answers[method]?.(params)
      }
    ])
  )
  const service = {
    ...methods,
    peerId: 'fake',
    multiaddrs: () => [],
    stop: async () => {},
    on: (event: EventName, listener: (payload: unknown) => void) => events.on(event, listener)
  }
  return { service: service as unknown as PairingService, calls, events }
}
