// In-process CPU profiling of just the measured windows (node:inspector), and
// a summary of where the samples fell: by package and by function. Used by
// the benchmarks' --profile flag; the summaries go into the JSON results.
import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export class Profiler {
  readonly #session = new Session()
  readonly profiles: CpuProfile[] = []
  #running = false

  async open(intervalUs = 100): Promise<void> {
    this.#session.connect()
    await this.#session.post('Profiler.enable')
    await this.#session.post('Profiler.setSamplingInterval', { interval: intervalUs })
  }

  async start(): Promise<void> {
    await this.#session.post('Profiler.start')
    this.#running = true
  }

  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    const { profile } = await this.#session.post('Profiler.stop')
    this.profiles.push(profile as unknown as CpuProfile)
  }

  async close(): Promise<void> {
    await this.stop()
    this.#session.disconnect()
  }

  /** Writes the longest profile as a .cpuprofile (opens in Chrome DevTools / speedscope). */
  saveOne(file: string): void {
    const longest = [...this.profiles].sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime))[0]
    if (longest !== undefined) writeFileSync(file, JSON.stringify(longest))
  }
}

export interface ProfileSummary {
  /** Wall time covered by the profiles, ms. */
  wallMs: number
  /** Share of samples in each bucket, percent. */
  byBucket: Array<{ bucket: string; ms: number; pct: number }>
  byFunction: Array<{ fn: string; ms: number; pct: number }>
}

/** Where a sample's time goes: idle, GC, a dependency package, Node internals, or our own code. */
export function bucketOf(url: string, fn: string): string {
  if (fn === '(idle)') return '(idle: waiting on I/O or timers)'
  if (fn === '(garbage collector)') return '(garbage collector)'
  if (fn === '(program)') return '(program: native, outside JS)'
  if (fn === '(root)') return '(root)'
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  if (url.startsWith('node:')) return 'node internals'
  if (url === '') return `native: ${fn || '(anonymous)'}`
  const m = /\/work\/main\/([^/]+\/[^/]+)/.exec(url) ?? /\/(main|shared|bench|dist)\/([^/]+)/.exec(url)
  return m === null ? url : `pairwise ${m[1]}${m[2] === undefined ? '' : '/' + m[2]}`
}

/** Maps performance.now() (ms) to the profiler's clock (µs, monotonic — the same clock as process.hrtime). */
const hrOffsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000
export const profileClockUs = (perfNowMs: number): number => perfNowMs * 1000 + hrOffsetUs

export interface Window {
  /** performance.now() values, ms. */
  from: number
  to: number
}

const frameName = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame
  const short = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')
  return `${functionName || '(anonymous)'} ${short}${url ? ':' + (lineNumber + 1) : ''}`
}

/**
 * Self time by bucket and by function; when `windows` is given (one list per
 * profile), only samples inside them count. `inclusive` patterns sum the time
 * of every sample with a matching frame anywhere on its stack.
 */
export function summarizeProfiles(
  profiles: CpuProfile[],
  top = 25,
  windows?: Window[][],
  inclusive: Record<string, RegExp> = {}
): ProfileSummary & { inclusive: Record<string, { ms: number; pct: number }> } {
  const byBucket = new Map<string, number>()
  const byFunction = new Map<string, number>()
  const incl = new Map<string, number>(Object.keys(inclusive).map((k) => [k, 0]))
  let wallUs = 0
  profiles.forEach((p, index) => {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]))
    const parent = new Map<number, number>()
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
    const win = windows?.[index]?.map((w) => ({ from: profileClockUs(w.from), to: profileClockUs(w.to) }))
    if (win === undefined) wallUs += p.endTime - p.startTime
    else wallUs += win.reduce((s, w) => s + (w.to - w.from), 0)
    let at = p.startTime
    for (let i = 0; i < p.samples.length; i++) {
      at += p.timeDeltas[i] ?? 0
      const node = nodes.get(p.samples[i]!)
      if (node === undefined) continue
      if (win !== undefined && !win.some((w) => at >= w.from && at < w.to)) continue
      // Each sample stands for the time until the next one.
      const us = p.timeDeltas[i + 1] ?? 0
      if (incl.size > 0) {
        const stack: string[] = []
        for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id))
          stack.push(frameName(nodes.get(id)!))
        for (const [k, re] of Object.entries(inclusive))
          if (stack.some((f) => re.test(f))) incl.set(k, incl.get(k)! + us)
      }
      const { functionName, url } = node.callFrame
      const bucket = bucketOf(url, functionName)
      byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us)
      const fn = frameName(node)
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us)
    }
  })
  const total = [...byBucket.values()].reduce((s, x) => s + x, 0) || 1
  const list = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
  return {
    inclusive: Object.fromEntries(
      [...incl.entries()].map(([k, us]) => [
        k,
        { ms: Math.round(us / 100) / 10, pct: Math.round((1000 * us) / total) / 10 }
      ])
    ),
    wallMs: Math.round(wallUs / 100) / 10,
    byBucket: list(byBucket).map(([bucket, us]) => ({
      bucket,
      ms: Math.round(us / 100) / 10,
      pct: Math.round((1000 * us) / total) / 10
    })),
    byFunction: list(byFunction).map(([fn, us]) => ({
      fn,
      ms: Math.round(us / 100) / 10,
      pct: Math.round((1000 * us) / total) / 10
    }))
  }
}

export function printProfile(
  summary: ProfileSummary & { inclusive?: Record<string, { ms: number; pct: number }> },
  title: string,
  rows = 15
): void {
  console.log(`\n${title}: ${summary.wallMs} ms of wall time profiled`)
  if (summary.inclusive !== undefined && Object.keys(summary.inclusive).length > 0) {
    console.log('  inclusive (samples with a matching frame anywhere on the stack):')
    for (const [k, v] of Object.entries(summary.inclusive))
      console.log(`  ${String(v.pct).padStart(5)} %  ${String(v.ms).padStart(8)} ms  ${k}`)
  }
  for (const b of summary.byBucket.slice(0, rows))
    console.log(`  ${String(b.pct).padStart(5)} %  ${String(b.ms).padStart(8)} ms  ${b.bucket}`)
  console.log('  top functions (self time):')
  for (const f of summary.byFunction.slice(0, rows))
    console.log(`  ${String(f.pct).padStart(5)} %  ${String(f.ms).padStart(8)} ms  ${f.fn}`)
}
