// Whole-process pairings between two `pairwise` CLI processes, timed the same
// way by benchmark 6 (loopback, bench/node-pairing.ts) and benchmark 8 (NAT
// lab, bench/nat-pairing.ts): the initiator starts in a fresh data folder and,
// as soon as it prints its words, the joiner starts in another, as a person
// pasting a link would. The join is timed from spawn to exit.
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { removeTempDir } from '../../test-support/temp-dirs.ts'
import { describeFailure, lastProgress, stopCli, type CliProcess, type CliResult } from './cli-process.ts'
import { fmtMs, printTable, round, summarize, writeTimedResult, type Summary } from './stats.ts'

/** A join gives up after 30 s on its own; this only catches a hung process. */
const JOIN_LIMIT_MS = 45_000
const SESSION_WAIT_MS = 30_000
/** After the join, the initiator settles (it waits up to 10 s for a lost Ack); then it is stopped. */
const PAIR_SETTLE_MS = 15_000

export interface PairingRun {
  run: number
  ok: boolean
  joinMs: number
  /** Spawn → the joiner's "DHT: record found" line. */
  foundMs?: number
  /** The path the joiner paired over, and how (direct or through the relay), from its progress lines. */
  via?: string
  pairOk?: boolean
  failure?: { error: string; progress: string[]; pair: string; stderr?: string }
}

export interface PairingProcesses {
  /** `pairwise pair` with its data folder. */
  pair(dataDir: string): CliProcess
  /** `pairwise join <words>` with its data folder; `timeoutMs` stops a hung process. */
  join(words: string[], dataDir: string, timeoutMs: number): CliProcess
}

function foundAt(r: CliResult): number | undefined {
  const i = r.lines.findIndex((l) => l.type === 'progress' && l.step === 'found')
  return i < 0 ? undefined : r.arrivals[i]
}

function connectedVia(r: CliResult): string | undefined {
  const connected = r.lines
    .filter((l) => l.type === 'progress' && typeof l.message === 'string' && / connected /.test(l.message as string))
    .at(-1)
  return connected === undefined ? undefined : String(connected.message)
}

export interface PairingRunOptions<R extends PairingRun> extends PairingProcesses {
  /** Folders for both data dirs go under it (removed after the run). */
  tmp: string
  /** How many of the joiner's last progress lines a failure keeps. */
  progressLines: number
  /** What one benchmark records beyond the common fields; `join` is missing when the run threw. */
  describe(run: PairingRun, join: CliResult | undefined, pair: CliProcess): R
  /** What the run's printed line adds after the timings. */
  remark?(run: R): string
}

/** Run number `index + 1`, printed when it ends: never throws, a failure is a run with ok false. */
export async function timePairing<R extends PairingRun>(index: number, options: PairingRunOptions<R>): Promise<R> {
  const run = await timeOnePairing(index, options)
  printRun(run, options.remark?.(run))
  return run
}

async function timeOnePairing<R extends PairingRun>(index: number, options: PairingRunOptions<R>): Promise<R> {
  const dirA = path.join(options.tmp, `a${index}`)
  const dirB = path.join(options.tmp, `b${index}`)
  const pair = options.pair(dirA)
  try {
    const session = await pair.waitFor((l) => l.type === 'session', SESSION_WAIT_MS, 'session line from pairwise pair')
    const join = await options.join(session.words as string[], dirB, JOIN_LIMIT_MS).done
    const result = join.lines.find((l) => l.type === 'result')
    const ok = join.code === 0 && result?.ok === true
    const paired = await Promise.race([pair.done, new Promise<undefined>((r) => setTimeout(r, PAIR_SETTLE_MS))])
    const pairResult = paired?.lines.find((l) => l.type === 'result')
    const run: PairingRun = { run: index + 1, ok, joinMs: round(join.ms), pairOk: pairResult?.ok === true }
    const found = foundAt(join)
    if (found !== undefined) run.foundMs = round(found)
    const via = connectedVia(join)
    if (via !== undefined) run.via = via
    if (!ok) {
      const pairSaid =
        paired === undefined
          ? 'still waiting'
          : pairResult === undefined
            ? describeFailure(paired)
            : JSON.stringify(pairResult).slice(0, 300)
      const progress = lastProgress(join.lines, options.progressLines)
      run.failure = { error: describeFailure(join), progress, pair: pairSaid }
    }
    return options.describe(run, join, pair)
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err)
    const run = { run: index + 1, ok: false, joinMs: NaN, failure: { error, progress: [], pair: '' } }
    return options.describe(run, undefined, pair)
  } finally {
    await stopCli(pair)
    removeTempDir(dirA)
    removeTempDir(dirB)
  }
}

/** One line for a finished run (`extra` after the timings), then a failure's details. */
function printRun(run: PairingRun, extra = ''): void {
  const found = run.foundMs === undefined ? '' : `, record found at ${fmtMs(run.foundMs)}`
  console.log(
    `run ${String(run.run).padStart(2)}: ${run.ok ? 'ok' : 'FAILED'} join ${fmtMs(run.joinMs)}${found}${extra}`
  )
  if (run.failure === undefined) return
  console.log(`    error: ${run.failure.error}`)
  for (const p of run.failure.progress) console.log(`    progress: ${p}`)
  console.log(`    initiator: ${run.failure.pair}`)
  const stderr = run.failure.stderr?.trim() ?? ''
  if (stderr !== '') console.log(`    joiner stderr: ${stderr}`)
}

/** The summary table and the paths the joins took; `more` prints between the paths and the failures. */
export function printPairingSummary(
  title: string,
  runs: PairingRun[],
  more: () => void = () => undefined
): { success: number; join: Summary; found: Summary } {
  const ok = runs.filter((r) => r.ok)
  const join = summarize(ok.map((r) => r.joinMs))
  const found = summarize(ok.flatMap((r) => (r.foundMs === undefined ? [] : [r.foundMs])))
  const paths = new Map<string, number>()
  for (const r of ok) paths.set(r.via ?? 'unknown', (paths.get(r.via ?? 'unknown') ?? 0) + 1)
  console.log(`\n${title}`)
  printTable(
    ['success', 'join p50', 'join p95', 'join min / max', 'record found (spawn →) p50', 'initiator ok'],
    [
      [
        `${ok.length}/${runs.length}`,
        fmtMs(join.p50),
        fmtMs(join.p95),
        `${fmtMs(join.min)} / ${fmtMs(join.max)}`,
        fmtMs(found.p50),
        `${runs.filter((r) => r.pairOk === true).length}/${runs.length}`
      ]
    ]
  )
  for (const [via, n] of paths) console.log(`  ${n} × ${via}`)
  more()
  const failures = runs.filter((r) => !r.ok)
  if (failures.length > 0) {
    console.log(`\nfailures (${failures.length}):`)
    for (const f of failures)
      console.log(`  run ${f.run}: ${f.failure?.error} | last progress: ${f.failure?.progress.join(' → ')}`)
  }
  return { success: ok.length, join, found }
}

/**
 * Prints the load and writes bench/results/<name>.json: the load at start and end, the
 * benchmark's `settings`, the summary and every run.
 */
export function writePairingResult(
  name: string,
  timing: { started: number; loadStart: number[] },
  settings: Record<string, unknown>,
  summary: ReturnType<typeof printPairingSummary>,
  runs: PairingRun[]
): void {
  printLoad(timing.loadStart)
  writeTimedResult(name, timing.started, {
    loadavg: { start: timing.loadStart, end: loadNow() },
    ...settings,
    ...summary,
    runsDetail: runs
  })
}

/** The 1-minute load averages now, to set beside the timings (a loaded box explains slow runs). */
export const loadNow = (): number[] => loadavg().map((x) => round(x, 2))

export function printLoad(start: number[]): void {
  console.log(`load average (1 min) at start ${start[0]}, at end ${loadNow()[0]} on ${cpus().length} CPUs`)
}
