// `npm run bench`: the benchmarks behind the performance targets (issue 14), one
// after the other, each in its own process, then one table: figure | target |
// measured | met?, and the side-by-side with magic-wormhole. Each benchmark also
// prints its own detail and writes bench/results/<name>.json.
//
//   npm run bench                  every target figure, medians over >= 20 runs (~15 minutes on 2 cores)
//   npm run bench -- --quick       fewer runs and a 15 s daemon wait: a smoke run, not figures to quote
//   npm run bench -- --only lan,attack
//   npm run bench -- --all         also node-pairing and relay-memory (no target in the table; ~8 minutes more)
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { NODE, NODE_FLAGS, trackChild } from './lib/child.ts'
import { BENCH_DIR, flags, fmtMB, fmtMs, machine, printTable, RESULTS_DIR, round, writeResult } from './lib/stats.ts'

const opts = flags({ quick: false, only: '', all: false })

interface Bench {
  name: string
  script: string
  args: string[]
  quickArgs: string[]
  /** Hard limit for this benchmark's process. */
  timeoutMs: number
  /** Not behind a target figure: runs with --all or when named in --only. */
  extra?: boolean
}

const BENCHES: Bench[] = [
  { name: 'lan', script: 'lan.ts', args: ['--runs', '30'], quickArgs: ['--runs', '10'], timeoutMs: 120_000 },
  {
    name: 'cli',
    script: 'cli.ts',
    args: ['--runs', '20', '--variants', 'bin,bundle'],
    quickArgs: ['--runs', '5', '--variants', 'bin'],
    timeoutMs: 300_000
  },
  {
    name: 'dht',
    script: 'dht.ts',
    args: ['--sizes', '100', '--runs', '5', '--cold-runs', '20'],
    quickArgs: ['--sizes', '100', '--runs', '3', '--cold-runs', '5'],
    // Starting and meshing 100 nodes alone takes minutes when the two cores are shared.
    timeoutMs: 900_000
  },
  { name: 'attack', script: 'attack.ts', args: ['--runs', '20'], quickArgs: ['--runs', '5'], timeoutMs: 180_000 },
  // Needs root (network namespaces); prints why and exits 0 when it cannot build its lab.
  {
    name: 'nat-pairing',
    script: 'nat-pairing.ts',
    args: ['--runs', '20'],
    quickArgs: ['--runs', '3'],
    timeoutMs: 20 * 60_000
  },
  { name: 'memory', script: 'memory.ts', args: ['--wait', '60'], quickArgs: ['--wait', '15'], timeoutMs: 120_000 },
  // Skips with the install line when magic-wormhole is not installed.
  {
    name: 'wormhole',
    script: 'wormhole.ts',
    args: ['--rounds', '20'],
    quickArgs: ['--rounds', '5'],
    timeoutMs: 300_000
  },
  {
    name: 'node-pairing',
    script: 'node-pairing.ts',
    args: ['--runs', '50'],
    quickArgs: ['--runs', '10'],
    timeoutMs: 50 * 60_000,
    extra: true
  },
  {
    name: 'relay-memory',
    script: 'relay-memory.ts',
    args: [],
    quickArgs: ['--reservations', '200', '--settle', '5'],
    timeoutMs: 600_000,
    extra: true
  }
]

function runBench(b: Bench): Promise<{ code: number | null; seconds: number }> {
  const started = performance.now()
  const args = opts.quick ? b.quickArgs : b.args
  console.log(`\n=== ${b.name}: node bench/${b.script} ${args.join(' ')}`)
  const child = trackChild(spawn(NODE, [...NODE_FLAGS, path.join(BENCH_DIR, b.script), ...args], { stdio: 'inherit' }))
  const killer = setTimeout(() => {
    console.log(`${b.name}: still running after ${b.timeoutMs / 1000} s; stopping it`)
    child.kill('SIGKILL')
  }, b.timeoutMs)
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(killer)
      resolve({ code, seconds: round((performance.now() - started) / 1000, 1) })
    })
  })
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON files are read back loosely
function load(name: string): any {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS_DIR, `${name}.json`), 'utf8'))
  } catch {
    return undefined
  }
}

/** A row of the summary: what, its target, what was measured, and whether the target was met. */
type Row = [figure: string, target: string, measured: string, met: string]

/** 'met', or by how much it was missed; the figure is missing when its benchmark did not run or failed. */
function verdict(value: number | undefined, target: number, unit: 'ms' | 'MB' | '×' | '%'): string {
  if (value === undefined || Number.isNaN(value)) return 'no figure'
  if (unit === '%' ? value >= target : value <= target) return 'met'
  if (unit === '%') return `missed (${round(value, 1)} %)`
  const over =
    unit === '×'
      ? `${round(value - target, 2)}× over`
      : `${round(value - target, 1)} ${unit} over (+${Math.round((100 * (value - target)) / target)} %)`
  return `missed: ${over}`
}

const both = (...verdicts: string[]): string =>
  verdicts.every((v) => v === 'met') ? 'met' : verdicts.filter((v) => v !== 'met').join('; ')

const pct = (ok: number, runs: number): number => (runs === 0 ? NaN : (100 * ok) / runs)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON files are read back loosely
type Loose = any

function targetRows(r: Record<string, Loose>): Row[] {
  const { lan, cli, dht, attack, memory } = r
  const nat = r['nat-pairing']
  const n100 = dht?.results?.find((x: { n: number }) => x.n === 100)
  const cold = n100?.joinCold
  const bin = cli?.results?.find((x: { variant: string }) => x.variant === 'bin')
  const daemon = memory?.rows?.find((x: { what: string }) => x.what.startsWith('idle pairwise daemon (bundle)'))
  const binNote = bin?.usedBundle === false ? ' (ran the sources: dist/cli.mjs stale)' : ''
  return [
    [
      'in-process LAN pairing p50',
      '≤ 12 ms',
      lan ? `${fmtMs(lan.total.p50)} (p95 ${fmtMs(lan.total.p95)}, ${lan.runs - lan.failures}/${lan.runs} ok)` : '—',
      verdict(lan?.total.p50, 12, 'ms')
    ],
    [
      '`pairwise join` whole process, initiator waiting, bin/pairwise.mjs, p50',
      '≤ 200 ms',
      bin ? `${fmtMs(bin.join.p50)} (p95 ${fmtMs(bin.join.p95)}, ${bin.joinOk}/${cli.runs} ok)${binNote}` : '—',
      verdict(bin?.join.p50, 200, 'ms')
    ],
    [
      'cold DHT join at N = 100 (fresh device) p50 / p95 / success',
      '≤ 300 / ≤ 800 ms / 100 %',
      cold ? `${fmtMs(cold.joinerMs.p50)} / ${fmtMs(cold.joinerMs.p95)} / ${cold.success}/${cold.runs}` : '—',
      cold
        ? both(
            verdict(cold.joinerMs.p50, 300, 'ms'),
            verdict(cold.joinerMs.p95, 800, 'ms'),
            verdict(pct(cold.success, cold.runs), 100, '%')
          )
        : 'no figure'
    ],
    [
      '`pairwise devices`, no daemon, bin/pairwise.mjs, p50',
      '≤ 80 ms, no network',
      bin?.devices ? `${fmtMs(bin.devices.p50)} (p95 ${fmtMs(bin.devices.p95)})${binNote}` : '—',
      verdict(bin?.devices?.p50, 80, 'ms')
    ],
    [
      'real pairing under 100 hostile peers: slowdown p50 / success',
      '≤ 2× / 100 %',
      attack
        ? `${attack.slowdownP50}× (${fmtMs(attack.quiet.p50)} -> ${fmtMs(attack.underAttack.p50)}) / ${attack.underAttack.success}/${attack.runs}`
        : '—',
      attack
        ? both(verdict(attack.slowdownP50, 2, '×'), verdict(pct(attack.underAttack.success, attack.runs), 100, '%'))
        : 'no figure'
    ],
    [
      'NAT↔NAT pairing through a relay (namespace lab), whole process p50',
      '≤ 1 s',
      nat?.skipped
        ? `skipped: ${nat.skipped}`
        : nat
          ? `${fmtMs(nat.join.p50)} (p95 ${fmtMs(nat.join.p95)}, ${nat.success}/${nat.runs} ok)`
          : '—',
      nat?.skipped ? 'not measured' : verdict(nat?.join.p50, 1000, 'ms')
    ],
    [
      `idle daemon RSS (after ${memory?.waitSeconds ?? '?'} s, bundle)`,
      '≤ 70 MB',
      daemon ? `${fmtMB(daemon.end.rss)} (peak ${fmtMB(daemon.peak)})` : '—',
      verdict(daemon ? daemon.end.rss / 1048576 : undefined, 70, 'MB')
    ]
  ]
}

function wormholeRow(w: Loose): Row {
  if (w?.skipped)
    return ['side by side: `pairwise join` / `wormhole receive` p50', 'ratio', `skipped: ${w.skipped}`, '']
  return [
    'side by side: `pairwise join` / `wormhole receive` p50',
    'ratio',
    w ? `${fmtMs(w.pairwise.p50)} / ${fmtMs(w.wormhole.p50)} = ${w.ratio}× (${w.rounds} interleaved rounds)` : '—',
    ''
  ]
}

async function main(): Promise<void> {
  const started = performance.now()
  const loadStart = loadavg()[0]!
  const only = opts.only === '' ? undefined : new Set(opts.only.split(','))
  const ran: Record<string, { code: number | null; seconds: number }> = {}
  for (const b of BENCHES) {
    const wanted = only === undefined ? opts.all || b.extra !== true : only.has(b.name)
    if (wanted) ran[b.name] = await runBench(b)
  }
  const results: Record<string, Loose> = {}
  for (const b of BENCHES) results[b.name] = load(b.name)
  const rows = [...targetRows(results), wormholeRow(results.wormhole)]
  const m = machine()
  console.log(
    `\n=== Summary — ${m.date.slice(0, 10)}, ${m.nproc} × ${m.cpu}, ${Math.round(m.memMB / 1024)} GB, Node ${m.node}, commit ${m.commit ?? '?'}, load ${round(loadStart, 2)} -> ${round(loadavg()[0]!, 2)}`
  )
  const stale = BENCHES.filter((b) => ran[b.name] === undefined && results[b.name] !== undefined).map((b) => b.name)
  if (stale.length > 0) console.log(`(figures of ${stale.join(', ')} are from an earlier run: bench/results/)`)
  printTable(['figure', 'target', 'measured', 'met?'], rows)
  const failed = Object.entries(ran).filter(([, r]) => r.code !== 0)
  for (const [name, r] of failed) console.log(`benchmark ${name} exited with ${r.code}`)
  const seconds = round((performance.now() - started) / 1000, 1)
  writeResult('summary', { quick: opts.quick, ran, rows, seconds })
  console.log(
    `\nall benchmarks: ${seconds} s (${Object.entries(ran)
      .map(([n, r]) => `${n} ${r.seconds} s`)
      .join(', ')})`
  )
  process.exitCode = failed.length > 0 ? 1 : 0
}

await main()
