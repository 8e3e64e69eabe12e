import { JOIN_PROGRESS_KEPT, type DeviceView, type JoinProgress, type JoinStatus } from '../../../shared/api.ts'
import type { PairwiseError } from '../../../shared/errors.ts'
import type { ServiceEmitter } from './service-events.ts'

// The last join and how it ended, kept by the service rather than by whoever
// asked for it: a web page that reloads mid-join loses its pending call, and
// would otherwise come back to an empty form while the other device shows
// "Paired" (and the same words would now fail as "used"). Replaced by the next
// join, or dropped when a front end dismisses it. No words are kept.

export class JoinRecord {
  readonly #events: ServiceEmitter
  #status: JoinStatus | null = null

  constructor(events: ServiceEmitter) {
    this.#events = events
  }

  view(): JoinStatus | null {
    return this.#status === null ? null : { ...this.#status, progress: [...this.#status.progress] }
  }

  start(joinId: string): void {
    this.#status = {
      joinId,
      state: 'joining',
      startedAt: Date.now(),
      finishedAt: null,
      progress: [],
      device: null,
      error: null
    }
    this.#announce()
  }

  progress(update: JoinProgress): void {
    if (this.#status?.joinId !== update.joinId) return
    const kept = this.#status.progress
    kept.push(update)
    // The first lines say where it looked; the last ones how it ended.
    if (kept.length > JOIN_PROGRESS_KEPT) kept.splice(1, 1)
  }

  paired(joinId: string, device: DeviceView): void {
    this.#finish(joinId, { state: 'paired', device })
  }

  failed(joinId: string, error: PairwiseError, cancelled: boolean): void {
    this.#finish(joinId, cancelled ? { state: 'cancelled' } : { state: 'failed', error: error.toPayload() })
  }

  /** Forgets a finished join; a running one stays (its page may come back for it). */
  dismiss(): boolean {
    if (this.#status === null || this.#status.state === 'joining') return false
    this.#status = null
    return true
  }

  #finish(joinId: string, outcome: Partial<JoinStatus>): void {
    if (this.#status?.joinId !== joinId) return
    this.#status = { ...this.#status, ...outcome, finishedAt: Date.now() }
    this.#announce()
  }

  #announce(): void {
    if (this.#status !== null) this.#events.emit('join-status', { ...this.#status, progress: [] })
  }
}
