// `npm run bench`: every benchmark, one after the other, each in its own
// process, then one table against the targets of DESIGN.md §6. Each benchmark
// also prints its own detail and writes bench/results/<name>.json.
//
//   node bench/run.ts            the documented configuration (~7 minutes on 2 cores, plus ~8 minutes for node-pairing, relay-memory and nat-pairing)
//   node bench/run.ts --quick    fewer runs and a 15 s daemon wait, for a quick look
//   node bench/run.ts --only lan,attack
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { NODE, NODE_FLAGS, trackChild } from './lib/child.ts'
import { BENCH_DIR, flags, fmtMB, fmtMs, machine, printTable, RESULTS_DIR, round, writeResult } from './lib/stats.ts'

const opts = flags({ quick: false, only: '' })

interface Bench {
  name: string
  script: string
  args: string[]
  quickArgs: string[]
  /** Hard limit for this benchmark's process. */
  timeoutMs: number
}

const BENCHES: Bench[] = [
  { name: 'lan', script: 'lan.ts', args: ['--runs', '30'], quickArgs: ['--runs', '15'], timeoutMs: 120_000 },
  {
    name: 'dht',
    script: 'dht.ts',
    args: ['--sizes', '10,50,100', '--runs', '10', '--cold-runs', '5'],
    quickArgs: ['--sizes', '10,100', '--runs', '5', '--cold-runs', '3'],
    timeoutMs: 330_000
  },
  {
    name: 'cli',
    script: 'cli.ts',
    args: ['--runs', '10'],
    quickArgs: ['--runs', '5', '--variants', 'bundle,bin'],
    timeoutMs: 150_000
  },
  { name: 'memory', script: 'memory.ts', args: ['--wait', '60'], quickArgs: ['--wait', '15'], timeoutMs: 120_000 },
  { name: 'attack', script: 'attack.ts', args: ['--runs', '20'], quickArgs: ['--runs', '10'], timeoutMs: 120_000 },
  {
    name: 'node-pairing',
    script: 'node-pairing.ts',
    args: ['--runs', '50'],
    quickArgs: ['--runs', '10'],
    timeoutMs: 50 * 60_000
  },
  {
    name: 'relay-memory',
    script: 'relay-memory.ts',
    args: [],
    quickArgs: ['--reservations', '200', '--settle', '5'],
    timeoutMs: 600_000
  },
  // Needs root (network namespaces); prints why and exits 0 when it cannot build its lab.
  {
    name: 'nat-pairing',
    script: 'nat-pairing.ts',
    args: ['--runs', '10'],
    quickArgs: ['--runs', '3'],
    timeoutMs: 20 * 60_000
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

function verdict(value: number | undefined, target: number, unit: 'ms' | 'MB' | '×'): string {
  if (value === undefined || Number.isNaN(value)) return 'no figure'
  if (value <= target) return 'met'
  const over =
    unit === '×'
      ? `${round(value - target, 2)}× over`
      : `${round(value - target, 1)} ${unit} over (${Math.round((100 * (value - target)) / target)} %)`
  return `missed: ${over}`
}

async function main(): Promise<void> {
  const started = performance.now()
  const only = opts.only === '' ? undefined : new Set(opts.only.split(','))
  const ran: Record<string, { code: number | null; seconds: number }> = {}
  for (const b of BENCHES) if (only === undefined || only.has(b.name)) ran[b.name] = await runBench(b)

  const lan = load('lan')
  const dht = load('dht')
  const cli = load('cli')
  const memory = load('memory')
  const attack = load('attack')
  const nodePairing = load('node-pairing')
  const relayMemory = load('relay-memory')
  const nat = load('nat-pairing')
  const n100 = dht?.results?.find((r: { n: number }) => r.n === 100)
  const bundle = cli?.results?.find((r: { variant: string }) => r.variant === 'bundle')
  const bin = cli?.results?.find((r: { variant: string }) => r.variant === 'bin')
  const daemon = memory?.rows?.find((r: { what: string }) => r.what.startsWith('idle pairwise daemon (bundle)'))
  const rows: Array<Array<string>> = [
    [
      '1. in-process LAN pairing p50',
      lan ? `${fmtMs(lan.total.p50)} (p95 ${fmtMs(lan.total.p95)}, ${lan.runs - lan.failures}/${lan.runs} ok)` : '—',
      '≤ 25 ms',
      verdict(lan?.total.p50, 25, 'ms')
    ],
    [
      '2. DHT N=100 join p50 / success',
      n100
        ? `${fmtMs(n100.joinWarm.joinerMs.p50)} / ${n100.joinWarm.success}/${n100.joinWarm.runs} (lookup ${fmtMs(n100.lookup.ms.p50)})`
        : '—',
      '≤ 300 ms / 100 %',
      n100
        ? `${verdict(n100.joinWarm.joinerMs.p50, 300, 'ms')}${n100.joinWarm.success < n100.joinWarm.runs ? '; success below 100 %' : ''}`
        : 'no figure'
    ],
    [
      '3. `pairwise join` whole process p50 (bundle)',
      bundle ? `${fmtMs(bundle.join.p50)} (--version ${fmtMs(bundle.version.p50)})` : '—',
      '≤ 250 ms',
      verdict(bundle?.join.p50, 250, 'ms')
    ],
    [
      '   as bin/pairwise.mjs picks it',
      bin ? `${fmtMs(bin.join.p50)}${bin.usedBundle === false ? ' (ran the sources: dist/cli.mjs stale)' : ''}` : '—',
      '≤ 250 ms',
      verdict(bin?.join.p50, 250, 'ms')
    ],
    [
      `4. idle daemon RSS after ${memory?.waitSeconds ?? '?'} s`,
      daemon ? fmtMB(daemon.end.rss) : '—',
      '≤ 90 MB',
      verdict(daemon ? daemon.end.rss / 1048576 : undefined, 90, 'MB')
    ],
    ['   RSS per DHT node (N=100)', n100 ? `${n100.rssPerNodeMB} MB` : '—', '—', ''],
    [
      '5. slowdown under 100 hostile peers (p50)',
      attack
        ? `${attack.slowdownP50}× (${fmtMs(attack.quiet.p50)} -> ${fmtMs(attack.underAttack.p50)}, ${attack.underAttack.success}/${attack.runs} ok)`
        : '—',
      '≤ 2×',
      verdict(attack?.slowdownP50, 2, '×')
    ],
    [
      '6. pairings through one pairwise node: success / join p50',
      nodePairing
        ? `${nodePairing.success}/${nodePairing.runs} / ${fmtMs(nodePairing.join.p50)} (p95 ${fmtMs(nodePairing.join.p95)})`
        : '—',
      '100 %',
      nodePairing ? (nodePairing.success === nodePairing.runs ? 'met' : 'missed') : 'no figure'
    ],
    [
      '7. node RSS per relay reservation',
      relayMemory
        ? `${round(relayMemory.perReservationBytes / 1024, 1)} KiB (${relayMemory.held}/${relayMemory.target} held, ${fmtMB(relayMemory.idle.rss)} -> ${fmtMB(relayMemory.loaded.rss)}, ${relayMemory.entry})`
        : '—',
      '—',
      relayMemory && relayMemory.held < relayMemory.target ? 'target count not reached' : ''
    ],
    [
      '8. NAT↔NAT `pairwise join` whole process p50 / success',
      nat?.skipped
        ? `skipped: ${nat.skipped}`
        : nat
          ? `${fmtMs(nat.join.p50)} (p95 ${fmtMs(nat.join.p95)}) / ${nat.success}/${nat.runs}`
          : '—',
      '≤ 1 s / 100 %',
      nat?.skipped
        ? ''
        : nat
          ? `${verdict(nat.join.p50, 1000, 'ms')}${nat.success < nat.runs ? '; success below 100 %' : ''}`
          : 'no figure'
    ]
  ]
  const m = machine()
  console.log(
    `\n=== Summary — ${m.date.slice(0, 10)}, ${m.nproc} × ${m.cpu}, ${Math.round(m.memMB / 1024)} GB, Node ${m.node}, commit ${m.commit ?? '?'}`
  )
  printTable(['figure', 'measured', 'target', ''], rows)
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
