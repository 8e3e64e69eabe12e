import type { DiscoveryPath, JoinProgress } from '../../shared/api.ts'
import { describeCorrection } from '../../shared/code/index.ts'

export type RowState = 'active' | 'done' | 'failed' | 'idle'

export interface ProgressRow {
  key: string
  label: string
  message: string
  state: RowState
}

// The rows say what is happening in the person's words; the engine's own lines
// (which path, which relay, how many devices asked) are the technical detail,
// listed under "Details" (JoinProgressList) for whoever wants them.

const PATHS: readonly { path: DiscoveryPath; label: string; text: Record<RowState, string> }[] = [
  {
    path: 'lan',
    label: 'This network',
    text: {
      active: 'Looking on this network…',
      done: 'Found the other device on this network',
      failed: 'Not found on this network',
      idle: 'Not found on this network'
    }
  },
  {
    path: 'dht',
    label: 'Internet',
    text: {
      active: 'Looking across the internet…',
      done: 'Found the other device across the internet',
      failed: 'Not found across the internet',
      idle: 'Not found across the internet'
    }
  },
  {
    path: 'public',
    label: 'Public network',
    text: {
      active: 'Looking on the public network…',
      done: 'Found the other device through the public network',
      failed: 'Not found on the public network',
      idle: 'Not found on the public network'
    }
  },
  {
    path: 'stored',
    label: 'Known devices',
    text: {
      active: 'Trying the addresses where paired devices were last seen…',
      done: 'Found the other device at an address it was seen at before',
      failed: 'Not found at the addresses paired devices were last seen at',
      idle: 'Not found at the addresses paired devices were last seen at'
    }
  }
]

const STAGES = [
  { step: 'connecting', label: 'Connecting', text: 'Connecting to the other device' },
  { step: 'verifying', label: 'Verifying', text: 'Checking that both devices have the same code' },
  { step: 'awaiting-approval', label: 'Approval', text: 'Waiting for the other device to allow this pairing' },
  { step: 'committing', label: 'Saving', text: 'Saving the pairing' },
  { step: 'paired', label: 'Paired', text: '' }
] as const

const DISCOVERY_STEPS = new Set<JoinProgress['step']>(['searching', 'found', 'failed'])

/** A typo fixed on the way is news the person needs in the main text (older services say it only so). */
const CORRECTED = /^Corrected: /

/**
 * The join as a short list: one line per discovery path (how its search stands), then the stages
 * after a device was found. Events keep arriving from the losing paths; each path's line shows its own.
 */
export function progressRows(events: readonly JoinProgress[], running: boolean): ProgressRow[] {
  const rows: ProgressRow[] = []
  // Found by probing the close variants, before any path found the device itself.
  const correction = events.findLast((e) => e.correction !== undefined)?.correction
  if (correction !== undefined)
    rows.push({
      key: 'corrected',
      label: 'Words',
      message: `Corrected: ${describeCorrection(correction)}`,
      state: 'done'
    })
  for (const { path, label, text } of PATHS) {
    const latest = events.findLast((e) => e.path === path && DISCOVERY_STEPS.has(e.step))
    if (latest === undefined) continue
    const state: RowState =
      latest.step === 'found' ? 'done' : latest.step === 'failed' ? 'failed' : running ? 'active' : 'idle'
    const message = CORRECTED.test(latest.message) && correction === undefined ? latest.message : text[state]
    rows.push({ key: path, label, message, state })
  }

  const reached = STAGES.map((stage) => events.findLast((e) => e.step === stage.step))
  const lastReached = reached.findLastIndex((e) => e !== undefined)
  STAGES.forEach((stage, i) => {
    const event = reached[i]
    if (event === undefined) return
    let state: RowState = 'done'
    if (i === lastReached && stage.step !== 'paired') state = running ? 'active' : 'failed'
    // "Paired with …" is already plain; the other stages' engine lines name paths and relays.
    rows.push({ key: stage.step, label: stage.label, message: stage.text || event.message, state })
  })

  const failure = events.findLast((e) => e.step === 'failed' && e.path === undefined)
  if (failure !== undefined) rows.push({ key: 'failed', label: 'Stopped', message: failure.message, state: 'failed' })
  return rows
}

/** The engine's lines as they came, seconds from the first: the detail behind the rows. */
export function detailLines(events: readonly JoinProgress[]): { key: string; at: string; message: string }[] {
  const start = events[0]?.at ?? 0
  return events.map((e, i) => ({ key: `${i}`, at: `+${((e.at - start) / 1000).toFixed(1)} s`, message: e.message }))
}
