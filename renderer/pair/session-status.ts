import type { PairingSessionView } from '../../shared/api.ts'

export type Tone = 'info' | 'progress' | 'success' | 'warning' | 'error'

export interface SessionStatus {
  text: string
  tone: Tone
  /** The words can still be used: show them, the QR code and the countdown. */
  active: boolean
}

function joinerName(session: PairingSessionView, fallback: string): string {
  const name = session.joiner?.name?.trim()
  return name === undefined || name === '' ? fallback : name
}

/**
 * What the person at the initiating computer needs to know now. The local clock ends a session
 * whose expiry event has not arrived yet, so the words never look usable after the countdown.
 */
export function sessionStatus(session: PairingSessionView, now: number): SessionStatus {
  const expiredLocally = now >= session.expiresAt
  switch (session.state) {
    case 'waiting':
      if (expiredLocally) return { text: 'This code expired. Get a new code.', tone: 'warning', active: false }
      if (session.joiner !== null)
        return { text: `${joinerName(session, 'A device')} is connecting…`, tone: 'progress', active: true }
      return { text: 'Waiting for the other device. Read the words to the person there.', tone: 'info', active: true }
    case 'approving':
      return {
        text: `Waiting for your answer about ${joinerName(session, 'the device')}: nothing is saved until you allow it.`,
        tone: 'progress',
        active: true
      }
    case 'committing':
      return { text: `Verifying ${joinerName(session, 'the other device')}…`, tone: 'progress', active: true }
    case 'paired':
      return { text: `Paired with ${joinerName(session, 'the other device')}`, tone: 'success', active: false }
    case 'unconfirmed':
      return { text: 'Paired — waiting for the other device to confirm', tone: 'warning', active: false }
    case 'expired':
      return { text: 'This code expired. Get a new code.', tone: 'warning', active: false }
    case 'cancelled':
      return { text: 'Pairing cancelled. This code no longer works.', tone: 'info', active: false }
    case 'failed':
      return {
        text: session.burnt
          ? 'Pairing stopped after too many wrong codes: this code no longer works. Get a new code.'
          : 'Pairing failed. Get a new code.',
        tone: 'error',
        active: false
      }
  }
}

const DECLINED: Record<NonNullable<PairingSessionView['declined']>['reason'], string> = {
  denied: 'you denied it',
  'timed-out': 'nobody allowed it in time',
  withdrawn: 'it stopped waiting'
}

/** A device that proved the code but did not pair; the code still waits for the right one. */
export function formatDeclined(declined: NonNullable<PairingSessionView['declined']>): string {
  const name = declined.name.trim() === '' ? 'A device' : declined.name
  return `${name} was not paired: ${DECLINED[declined.reason]}. The code still works for the right device.`
}

/** Strangers flooding this device while the code waits; the count is how many were turned away. */
export function formatCrowd(refused: number): string {
  return `Many devices are trying to connect; some were refused (${refused} so far). The right device still gets through.`
}

export function formatAttempts(count: number): string {
  return count === 1 ? 'Someone entered a wrong code once' : `Someone entered a wrong code ${count} times`
}

/** Where a joiner can come from, in words; shown while the code waits. */
export const REACH_NOTE: Record<PairingSessionView['reach'], string> = {
  public: 'Reachable directly from any network.',
  relay: 'Reachable from other networks through a relay node.',
  local:
    'Reachable on this network only for now. A device on another network can join once this one reaches the public network or a Pairwise node.'
}
