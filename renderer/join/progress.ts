import type { DiscoveryPath, JoinProgress } from '../../shared/api.ts'

export type RowState = 'active' | 'done' | 'failed' | 'idle'

export interface ProgressRow {
  key: string
  label: string
  message: string
  state: RowState
}

const PATHS: readonly { path: DiscoveryPath; label: string }[] = [
  { path: 'lan', label: 'Local network' },
  { path: 'dht', label: 'Internet (DHT)' },
  { path: 'public', label: 'Public network' },
  { path: 'stored', label: 'Stored addresses' }
]

const STAGES = [
  { step: 'connecting', label: 'Connecting' },
  { step: 'verifying', label: 'Verifying' },
  { step: 'awaiting-approval', label: 'Approval' },
  { step: 'committing', label: 'Saving' },
  { step: 'paired', label: 'Paired' }
] as const

const DISCOVERY_STEPS = new Set<JoinProgress['step']>(['searching', 'found', 'failed'])

/**
 * The join as a short list: one line per discovery path (its latest news), then the stages after a
 * device was found. Events keep arriving from the losing paths; each path's line shows its own.
 */
export function progressRows(events: readonly JoinProgress[], running: boolean): ProgressRow[] {
  const rows: ProgressRow[] = []
  for (const { path, label } of PATHS) {
    const latest = events.findLast((e) => e.path === path && DISCOVERY_STEPS.has(e.step))
    if (latest === undefined) continue
    const state: RowState =
      latest.step === 'found' ? 'done' : latest.step === 'failed' ? 'failed' : running ? 'active' : 'idle'
    rows.push({ key: path, label, message: latest.message, state })
  }

  const reached = STAGES.map((stage) => events.findLast((e) => e.step === stage.step))
  const lastReached = reached.findLastIndex((e) => e !== undefined)
  STAGES.forEach((stage, i) => {
    const event = reached[i]
    if (event === undefined) return
    let state: RowState = 'done'
    if (i === lastReached && stage.step !== 'paired') state = running ? 'active' : 'failed'
    rows.push({ key: stage.step, label: stage.label, message: event.message, state })
  })

  const failure = events.findLast((e) => e.step === 'failed' && e.path === undefined)
  if (failure !== undefined) rows.push({ key: 'failed', label: 'Stopped', message: failure.message, state: 'failed' })
  return rows
}
