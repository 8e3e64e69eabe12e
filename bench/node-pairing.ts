// Benchmark 6 — whole-process pairings through one `pairwise node` (loopback).
//
//   node --disable-warning=ExperimentalWarning bench/node-pairing.ts [--runs 50] [--entry bundle|source] [--no-build]
//
// One `pairwise node --json --no-mdns --loopback --listen /ip4/127.0.0.1/tcp/0` runs for the whole
// benchmark. For each run, `pairwise pair --json --bootstrap <node>` starts in a fresh data folder;
// as soon as it prints its words, `pairwise join <words> --json --bootstrap <node>` starts in another
// fresh folder, as a person pasting a link would. Neither side knows the other: the joiner finds the
// initiator only through the node (DHT record, then a direct or relayed connection). Every run counts,
// the first included. Recorded per run: success, the join's wall time (spawn to exit), when the DHT
// record was found, and for a failure the last progress lines and the error.
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildBenchBundle } from './lib/cli-bundle.ts'
import { describeFailure, lastProgress, startCli, stopCli, type CliEntry, type CliResult } from './lib/cli-process.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { flags, fmtMs, printTable, round, summarize, writeResult } from './lib/stats.ts'

const opts = flags({ runs: 50, entry: 'bundle', build: true })
const NET = ['--json', '--no-mdns', '--loopback', '--listen', '/ip4/127.0.0.1/tcp/0']
/** A join gives up after 30 s on its own; this only catches a hung process. */
const JOIN_LIMIT_MS = 45_000
const SESSION_WAIT_MS = 30_000
/** After the join, the initiator settles (it waits up to 10 s for a lost Ack); then it is stopped. */
const PAIR_SETTLE_MS = 15_000

interface Run {
  run: number
  ok: boolean
  joinMs: number
  /** Spawn → the joiner's "DHT: record found" line. */
  foundMs?: number
  /** DHT lookups that came back without the record before it was found (the initiator had not published yet). */
  emptyLookups: number
  /** The path the joiner paired over, and how (direct or through the relay), from its progress lines. */
  via?: string
  pairOk?: boolean
  failure?: { error: string; progress: string[]; pair: string }
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

async function main(): Promise<void> {
  const loadStart = loadavg().map((x) => round(x, 2))
  const started = performance.now()
  const entry = opts.entry as CliEntry
  if (entry !== 'bundle' && entry !== 'source') throw new Error('--entry is bundle or source')
  if (entry === 'bundle' && opts.build) {
    const built = await buildBenchBundle()
    console.log(`bundle built in ${Math.round(built.ms)} ms`)
  }
  const tmp = makeTempDir('bench-node-pairing')
  const node = startCli(['node', ...NET, '--data-dir', path.join(tmp, 'node')], { entry, timeoutMs: 60 * 60_000 })
  const runs: Run[] = []
  try {
    const listening = await node.waitFor((l) => l.type === 'listening', 30_000, 'listening line from pairwise node')
    const bootstrap = String(listening.bootstrap)
    console.log(`pairwise node ${String(listening.peerId).slice(-8)} at ${bootstrap}`)
    for (let i = 0; i < opts.runs; i++) {
      const dirA = path.join(tmp, `a${i}`)
      const dirB = path.join(tmp, `b${i}`)
      const pair = startCli(['pair', ...NET, '--bootstrap', bootstrap, '--data-dir', dirA], {
        entry,
        timeoutMs: 120_000
      })
      let run: Run
      try {
        const session = await pair.waitFor(
          (l) => l.type === 'session',
          SESSION_WAIT_MS,
          'session line from pairwise pair'
        )
        const words = session.words as string[]
        const join = await startCli(['join', ...words, ...NET, '--bootstrap', bootstrap, '--data-dir', dirB], {
          entry,
          timeoutMs: JOIN_LIMIT_MS
        }).done
        const result = join.lines.find((l) => l.type === 'result')
        const ok = join.code === 0 && result?.ok === true
        const paired = await Promise.race([pair.done, new Promise<undefined>((r) => setTimeout(r, PAIR_SETTLE_MS))])
        const pairResult = paired?.lines.find((l) => l.type === 'result')
        run = { run: i + 1, ok, joinMs: round(join.ms), pairOk: pairResult?.ok === true, emptyLookups: 0 }
        const found = foundAt(join)
        if (found !== undefined) run.foundMs = round(found)
        run.emptyLookups = join.lines.filter(
          (l) => l.type === 'progress' && l.message === 'DHT: no record yet, asking again'
        ).length
        const via = connectedVia(join)
        if (via !== undefined) run.via = via
        if (!ok) {
          const p =
            paired === undefined
              ? 'still waiting'
              : pairResult === undefined
                ? describeFailure(paired)
                : JSON.stringify(pairResult).slice(0, 300)
          run.failure = { error: describeFailure(join), progress: lastProgress(join.lines, 6), pair: p }
        }
      } catch (err) {
        run = {
          run: i + 1,
          ok: false,
          joinMs: NaN,
          emptyLookups: 0,
          failure: { error: err instanceof Error ? err.message : String(err), progress: [], pair: '' }
        }
      } finally {
        await stopCli(pair)
        removeTempDir(dirA)
        removeTempDir(dirB)
      }
      runs.push(run)
      const tag = run.ok ? 'ok' : 'FAILED'
      console.log(
        `run ${String(run.run).padStart(2)}: ${tag} join ${fmtMs(run.joinMs)}${run.foundMs === undefined ? '' : `, record found at ${fmtMs(run.foundMs)}`}${run.emptyLookups > 0 ? ` after ${run.emptyLookups} empty lookup(s)` : ''}${run.pairOk === false && run.ok ? ' (initiator did not report success)' : ''}`
      )
      if (run.failure !== undefined) {
        console.log(`    error: ${run.failure.error}`)
        for (const p of run.failure.progress) console.log(`    progress: ${p}`)
        console.log(`    initiator: ${run.failure.pair}`)
      }
    }
  } finally {
    await stopCli(node)
    removeTempDir(tmp)
  }

  const ok = runs.filter((r) => r.ok)
  const join = summarize(ok.map((r) => r.joinMs))
  const found = summarize(ok.flatMap((r) => (r.foundMs === undefined ? [] : [r.foundMs])))
  const paths = new Map<string, number>()
  for (const r of ok) paths.set(r.via ?? 'unknown', (paths.get(r.via ?? 'unknown') ?? 0) + 1)
  console.log(`\nBenchmark 6 — ${opts.runs} whole-process loopback pairings through one pairwise node (${entry})`)
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
  const retried = runs.filter((r) => r.emptyLookups > 0).length
  console.log(`  ${retried}/${runs.length} joins looked up the code more than once (the record was not yet published)`)
  const failures = runs.filter((r) => !r.ok)
  if (failures.length > 0) {
    console.log(`\nfailures (${failures.length}):`)
    for (const f of failures)
      console.log(`  run ${f.run}: ${f.failure?.error} | last progress: ${f.failure?.progress.join(' → ')}`)
  }
  const file = writeResult('node-pairing', {
    loadavg: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
    runs: opts.runs,
    entry,
    success: ok.length,
    join,
    found,
    runsDetail: runs,
    seconds: round((performance.now() - started) / 1000, 1)
  })
  console.log(
    `load average (1 min) at start ${loadStart[0]}, at end ${round(loadavg()[0]!, 2)} on ${cpus().length} CPUs`
  )
  console.log(`\nwrote ${file}`)
}

await main()
