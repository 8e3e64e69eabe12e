import type { EventName, EventPayload } from '../../../shared/api.ts'
import { Emitter } from '../../../shared/emitter.ts'

/** The events of the API contract, as the engine's parts emit them. */
export type ServiceEvents = { [E in EventName]: EventPayload<E> }

export class ServiceEmitter extends Emitter<ServiceEvents> {}
