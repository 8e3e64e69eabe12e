// Benchmark 7 — a `pairwise node`'s memory with 1,000 relay reservations held.
//
//   node --disable-warning=ExperimentalWarning bench/relay-memory.ts [--reservations 1000] [--workers 10]
//        [--concurrency 5] [--wait 180] [--settle 10] [--entry bundle|source] [--no-build]
//
// Starts `pairwise node --json --no-mdns --loopback --listen /ip4/127.0.0.1/tcp/0 --metrics 127.0.0.1:0
// --max-reservations 2000` (with --loopback the node has no per-IP bound, so every client may come
// from 127.0.0.1), reads its RSS idle, then starts --workers child processes
// (bench/relay-memory-worker.ts) that together create --reservations light libp2p clients, each
// holding one reservation. It waits (at most --wait seconds) until the node's own metric
// `pairwise_relay_reservations` reaches the target or stops growing, lets the node settle, and reads
// its RSS again (VmRSS from /proc, with the anonymous part and the V8 heap from the node's metrics).
// Then the clients leave and the RSS is read once more.
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildBenchBundle } from './lib/cli-bundle.ts'
import { startWorker, type Worker } from './lib/child.ts'
import { describeFailure, startCli, stopCli, type CliEntry, type CliProcess } from './lib/cli-process.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { BENCH_DIR, flags, fmtMB, printTable, round, sleep, writeResult } from './lib/stats.ts'

const opts = flags({
  reservations: 1000,
  workers: 10,
  concurrency: 5,
  wait: 180,
  settle: 10,
  entry: 'bundle',
  build: true
})
const MAX_RESERVATIONS = 2000
const WORKER = path.join(BENCH_DIR, 'relay-memory-worker.ts')

interface Mem {
  rss: number
  anon: number
  /** V8 heap in use, from the node's own metrics (nodejs_heap_size_used_bytes). */
  heapUsed?: number
}

function memOf(pid: number): Mem | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), anon: kb('RssAnon') }
  } catch {
    return undefined
  }
}

/** Gauges from the node's Prometheus text (the sum over labels). */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
  const text = await res.text()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+([-\d.e+]+|NaN)/.exec(line)
    if (m === null) continue
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[3]))
  }
  return out
}

/** Median of a few readings a second apart: one reading can land on a GC. */
async function settledMem(pid: number, url: string, readings = 5): Promise<Mem> {
  const rss: number[] = []
  const anon: number[] = []
  let heapUsed: number | undefined
  for (let i = 0; i < readings; i++) {
    if (i > 0) await sleep(1_000)
    const m = memOf(pid)
    if (m === undefined) throw new Error('the node process is gone')
    rss.push(m.rss)
    anon.push(m.anon)
    heapUsed = (await scrape(url).catch(() => undefined))?.get('nodejs_heap_size_used_bytes') ?? heapUsed
  }
  const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  return { rss: mid(rss), anon: mid(anon), ...(heapUsed === undefined ? {} : { heapUsed }) }
}

async function startNode(
  entry: CliEntry,
  dir: string
): Promise<{ proc: CliProcess; bootstrap: string; metrics: string }> {
  const proc = startCli(
    [
      'node',
      '--json',
      '--no-mdns',
      '--loopback',
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--metrics',
      '127.0.0.1:0',
      '--max-reservations',
      String(MAX_RESERVATIONS),
      '--data-dir',
      dir
    ],
    { entry, timeoutMs: 30 * 60_000 }
  )
  try {
    const listening = await proc.waitFor((l) => l.type === 'listening', 30_000, 'listening line from pairwise node')
    return { proc, bootstrap: String(listening.bootstrap), metrics: String(listening.metrics) }
  } catch (err) {
    const r = await stopCli(proc)
    throw new Error(`pairwise node (${entry}) did not start: ${describeFailure(r)}`, { cause: err })
  }
}

async function main(): Promise<void> {
  const loadStart = loadavg().map((x) => round(x, 2))
  const started = performance.now()
  const tmp = makeTempDir('bench-relay-memory')
  let entry = opts.entry as CliEntry
  if (entry !== 'bundle' && entry !== 'source') throw new Error('--entry is bundle or source')
  if (entry === 'bundle' && opts.build) console.log(`bundle built in ${Math.round((await buildBenchBundle()).ms)} ms`)
  const notes: string[] = []
  let node: Awaited<ReturnType<typeof startNode>>
  try {
    node = await startNode(entry, path.join(tmp, 'node'))
  } catch (err) {
    if (entry !== 'bundle') throw err
    // Known: the bundled CLI cannot load prom-client for --metrics (see docs/performance.md §7).
    const note = `the bundled node failed with --metrics (${err instanceof Error ? err.message : String(err)}); measured from the sources instead`
    console.log(note)
    notes.push(note)
    entry = 'source'
    node = await startNode(entry, path.join(tmp, 'node-source'))
  }
  const workers: Worker[] = []
  try {
    const pid = node.proc.pid
    console.log(`pairwise node (${entry}) pid ${pid} at ${node.bootstrap}, metrics ${node.metrics}`)
    await sleep(5_000)
    const idle = await settledMem(pid, node.metrics)
    console.log(`idle: RSS ${fmtMB(idle.rss)} (anonymous ${fmtMB(idle.anon)}, V8 heap used ${fmtMB(idle.heapUsed)})`)

    const perWorker = Math.ceil(opts.reservations / opts.workers)
    const fillStarted = performance.now()
    const replies: Array<Promise<Record<string, unknown>>> = []
    for (let w = 0; w < opts.workers; w++) {
      const count = Math.min(perWorker, opts.reservations - w * perWorker)
      if (count <= 0) break
      const worker = startWorker(WORKER)
      workers.push(worker)
      replies.push(
        worker.request(
          { cmd: 'start', relay: node.bootstrap, count, concurrency: opts.concurrency, timeoutMs: 20_000 },
          opts.wait * 1000 + 60_000
        )
      )
    }
    const workerResults: Array<Record<string, unknown> | string> = []
    void Promise.allSettled(replies).then((all) => {
      for (const r of all) workerResults.push(r.status === 'fulfilled' ? r.value : String(r.reason))
    })

    // Bounded wait: the target reached, or no growth for 30 s, or --wait seconds.
    let held = 0
    let best = 0
    let lastGrowth = performance.now()
    const deadline = performance.now() + opts.wait * 1000
    for (let tick = 0; performance.now() < deadline && tick < opts.wait * 2 + 10; tick++) {
      held = (await scrape(node.metrics).catch(() => undefined))?.get('pairwise_relay_reservations') ?? held
      if (held > best) {
        best = held
        lastGrowth = performance.now()
      }
      if (tick % 10 === 0)
        console.log(
          `  ${Math.round((performance.now() - fillStarted) / 1000)} s: ${held} reservations, node RSS ${fmtMB(memOf(pid)?.rss)}`
        )
      if (held >= opts.reservations) break
      if (workerResults.length === replies.length && performance.now() - lastGrowth > 5_000) break
      if (performance.now() - lastGrowth > 30_000) break
      await sleep(500)
    }
    const fillSeconds = round((performance.now() - fillStarted) / 1000, 1)
    // Workers still retrying refused clients (5 attempts each, with backoff) get a bounded while to answer.
    await Promise.race([Promise.allSettled(replies), sleep(120_000)])
    console.log(`${held} reservations after ${fillSeconds} s; settling ${opts.settle} s`)
    await sleep(opts.settle * 1000)
    const gauges = await scrape(node.metrics)
    const loadedHeld = gauges.get('pairwise_relay_reservations') ?? 0
    const connections = gauges.get('pairwise_connections') ?? NaN
    const loaded = await settledMem(pid, node.metrics)
    const workerRss = await Promise.all(
      workers.map((w) =>
        w
          .request<{ rss: number | null; clients: number }>({ cmd: 'rss' }, 10_000)
          .catch(() => ({ rss: null, clients: 0 }))
      )
    )
    const clients = workerRss.reduce((s, w) => s + w.clients, 0)
    const clientRss = workerRss.reduce((s, w) => s + (w.rss ?? 0), 0)

    // What the workers answered before they are stopped (a stopped worker's pending request fails).
    const answered = workerResults.filter((r): r is Record<string, unknown> => typeof r !== 'string')
    const unanswered = replies.length - answered.length
    await Promise.all(workers.splice(0).map((w) => w.stop()))
    await sleep(opts.settle * 1000)
    const after = await settledMem(pid, node.metrics)
    const afterHeld = (await scrape(node.metrics).catch(() => undefined))?.get('pairwise_relay_reservations') ?? NaN

    const per = loadedHeld > 0 ? (loaded.rss - idle.rss) / loadedHeld : NaN
    const perHeap =
      loadedHeld > 0 && loaded.heapUsed !== undefined && idle.heapUsed !== undefined
        ? (loaded.heapUsed - idle.heapUsed) / loadedHeld
        : NaN
    console.log(
      `\nBenchmark 7 — pairwise node (${entry}) memory with relay reservations (target ${opts.reservations}, max ${MAX_RESERVATIONS})`
    )
    printTable(
      ['', 'reservations', 'connections', 'RSS', 'anonymous', 'V8 heap used'],
      [
        ['idle', 0, '—', fmtMB(idle.rss), fmtMB(idle.anon), fmtMB(idle.heapUsed)],
        [
          `loaded (+${opts.settle} s)`,
          loadedHeld,
          connections,
          fmtMB(loaded.rss),
          fmtMB(loaded.anon),
          fmtMB(loaded.heapUsed)
        ],
        [`clients gone (+${opts.settle} s)`, afterHeld, '—', fmtMB(after.rss), fmtMB(after.anon), fmtMB(after.heapUsed)]
      ]
    )
    console.log(
      `per reservation: ${round(per / 1024, 1)} KiB RSS, ${round(perHeap / 1024, 1)} KiB V8 heap; filled in ${fillSeconds} s`
    )
    console.log(
      `clients: ${clients} held in ${workers.length || opts.workers} workers using ${fmtMB(clientRss)} RSS together (${round(clientRss / Math.max(clients, 1) / 1024, 0)} KiB each)`
    )
    const errors = new Map<string, number>()
    for (const r of answered)
      for (const [text, n] of r.errors as Array<[string, number]>) errors.set(text, (errors.get(text) ?? 0) + n)
    const sum = (key: string): number => answered.reduce((s, r) => s + Number(r[key] ?? 0), 0)
    console.log(
      `workers: ${answered.length} answered (${sum('held')} clients held, ${sum('failed')} gave up after 5 attempts, ${sum('retries')} retries)${unanswered > 0 ? `; ${unanswered} still retrying when stopped` : ''}`
    )
    for (const [text, n] of errors) console.log(`  client error × ${n}: ${text}`)
    if (loadedHeld < opts.reservations) {
      notes.push(
        `only ${loadedHeld} of ${opts.reservations} reservations were held, over ${connections} connections${connections >= 290 && connections <= 310 ? ": libp2p's connection manager refuses inbound connections past its default maxConnections (300)" : ''}`
      )
    }
    for (const n of notes) console.log(`NOTE: ${n}`)
    const file = writeResult('relay-memory', {
      loadavg: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
      entry,
      target: opts.reservations,
      held: loadedHeld,
      connections,
      idle,
      loaded,
      after: { ...after, held: afterHeld },
      perReservationBytes: round(per, 0),
      perReservationHeapBytes: round(perHeap, 0),
      fillSeconds,
      clients,
      clientRss,
      workers: answered,
      unansweredWorkers: unanswered,
      notes,
      seconds: round((performance.now() - started) / 1000, 1)
    })
    console.log(
      `load average (1 min) at start ${loadStart[0]}, at end ${round(loadavg()[0]!, 2)} on ${cpus().length} CPUs`
    )
    console.log(`\nwrote ${file}`)
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
    await stopCli(node.proc)
    removeTempDir(tmp)
  }
}

await main()
