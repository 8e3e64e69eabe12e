import { MINUTE_MS } from './limits.ts'

// Words and numbers that the desktop UI and the CLI both show, so that they say the same thing.

/**
 * Time left as m:ss ("4:59"), rounded up so that 0:00 means expired. Minutes are not padded: a code
 * lives at most 10 minutes, and a leading zero would make the countdown read like a clock time.
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`
}

/** A code's lifetime in words: "1 minute", "5 minutes" (never "0 minutes"). */
export function formatMinutes(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / MINUTE_MS))
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}

const ARRIVAL_TEXT = { direct: 'connected directly', relay: 'through a relay', lan: 'on the local network' } as const

/** The overheard-code alarm in words (issue 12), the same in the UI, the daemon log and the CLI. */
export function codeAlarmText(alarm: {
  device: { name: string }
  claimantPeerId: string
  path?: keyof typeof ARRIVAL_TEXT | undefined
  secondsAfterPairing: number
}): string {
  const n = alarm.secondsAfterPairing
  const id = alarm.claimantPeerId
  const who = id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
  const via = alarm.path === undefined ? '' : `, ${ARRIVAL_TEXT[alarm.path]}`
  return (
    `Someone else also had the code that paired “${alarm.device.name}”, ${n} second${n === 1 ? '' : 's'} after you paired ` +
    `(device ${who}${via}). If you did not expect that, revoke “${alarm.device.name}” and pair again.`
  )
}
