import type { ArrivalPath, CodeAlarmView, DeviceView } from '../../../shared/api.ts'
import type { Registry } from '../registry/registry.ts'
import type { CodeAlarm } from '../trust/messages.ts'
import type { ServiceEmitter } from './service-events.ts'

// The overheard-code alarm (issue 12): after a code paired, another peer proved
// it knows the words. The initiator's session sees it (initiator.ts); this part
// tells the person here, and queues the news for the paired device, which hears
// it over the next presence exchange — authenticated with the pair key, so no
// one else can raise or suppress it (trust/presence.ts).

export interface CodeAlarmsComponents {
  registry: Registry
  events: ServiceEmitter
  deviceView(peerId: string): DeviceView
  /** Starts a presence exchange with a paired device soon (it carries what `outgoing` returns). */
  contactSoon(peerId: string): void
}

/** Alarms shown until the person dismisses them: the newest few. */
const MAX_SHOWN = 8
/** Alarms waiting for one device: a few at most; older ones say nothing the newest does not. */
const MAX_QUEUED_PER_DEVICE = 4
const MAX_DEVICES_QUEUED = 64

export class CodeAlarms {
  readonly #c: CodeAlarmsComponents
  /** Not yet delivered, per paired device. In memory only: a restart loses at most this news, never trust. */
  readonly #outbox = new Map<string, CodeAlarm[]>()
  /** Shown on every page until dismissed (in memory: the audit log keeps each one for good). */
  #shown: CodeAlarmView[] = []

  constructor(components: CodeAlarmsComponents) {
    this.#c = components
  }

  /** Our session for the code `partner` paired with saw another claimant prove it. */
  seen(partner: string, claim: { peerId: string; via: ArrivalPath | undefined; afterMs: number }): void {
    const alarm: CodeAlarm = {
      claimant: claim.peerId,
      after: Math.max(0, Math.round(claim.afterMs / 1000)),
      ...(claim.via === undefined ? {} : { path: claim.via })
    }
    this.#report(partner, alarm, 'this-device')
    const queued = this.#outbox.get(partner) ?? []
    if (queued.length === 0 && this.#outbox.size >= MAX_DEVICES_QUEUED) return
    this.#outbox.set(partner, [...queued, alarm].slice(-MAX_QUEUED_PER_DEVICE))
    this.#c.contactSoon(partner)
  }

  /** The alarm the next presence exchange with `peerId` carries, if any. */
  outgoing(peerId: string): CodeAlarm | undefined {
    return this.#outbox.get(peerId)?.[0]
  }

  /** The paired device proved it read `alarm` (its presence reply verified); the next one goes out soon. */
  delivered(peerId: string, alarm: CodeAlarm): void {
    const queued = this.#outbox.get(peerId)
    if (queued?.[0] !== alarm) return
    queued.shift()
    if (queued.length === 0) this.#outbox.delete(peerId)
    else this.#c.contactSoon(peerId)
  }

  /** Alarms not dismissed yet, oldest first. */
  list(): CodeAlarmView[] {
    return [...this.#shown]
  }

  /** The person read it; false when no such alarm is shown. */
  dismiss(claimantPeerId: string, at: number): boolean {
    const before = this.#shown.length
    this.#shown = this.#shown.filter((a) => !(a.claimantPeerId === claimantPeerId && a.at === at))
    return this.#shown.length < before
  }

  /** A paired device told us, over an authenticated presence exchange. */
  received(peerId: string, alarm: CodeAlarm): void {
    this.#report(peerId, alarm, 'paired-device')
  }

  #report(partner: string, alarm: CodeAlarm, seenBy: 'this-device' | 'paired-device'): void {
    const { registry, events } = this.#c
    registry.logEvent('code-overheard', {
      peerId: partner,
      details: { claimant: alarm.claimant, after: alarm.after, path: alarm.path ?? 'unknown', seenBy }
    })
    let device: DeviceView
    try {
      device = this.#c.deviceView(partner)
    } catch {
      return // No record of that device (dropped meanwhile): the audit log keeps the fact.
    }
    const view: CodeAlarmView = {
      device,
      claimantPeerId: alarm.claimant,
      ...(alarm.path === undefined ? {} : { path: alarm.path }),
      secondsAfterPairing: alarm.after,
      seenBy,
      at: Date.now()
    }
    this.#shown = [...this.#shown, view].slice(-MAX_SHOWN)
    events.emit('code-alarm', view)
  }
}
