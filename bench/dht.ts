// Benchmark 2 — the DHT path, every party in its own process.
//
//   node --disable-warning=ExperimentalWarning bench/dht.ts [--sizes 10,50,100] [--runs 10] [--cold-runs 5]
//
// For each DHT size N: N plain DHT nodes spread over 2–4 host processes (the
// first node is everyone's bootstrap; each node also dials 3 random others and
// runs one self-lookup, so routing tables look like a network that has been up
// a while). The initiator is a full PairingService in its own process; it
// shows a fresh code for every run and publishes it. The joiner process makes
// a brand-new device for every run (fresh identity, nothing stored), so the
// only way to find the initiator is the DHT:
//   lookup      time from asking the DHT to the first record that opens with the code
//   join warm   a device that has been up a moment (connected, first self-lookup done):
//               join submitted -> joiner committed, and -> both committed
//   join cold   join submitted right after the device started (what `pairwise join` does)
// --diag prints, per lookup, which DHT nodes hold the record (ranked by distance to its key) and which the
// lookup asked; BENCH_VERBOSE=1 prints each join's steps.
import { performance } from 'node:perf_hooks'
import { startWorker, type Worker } from './lib/child.ts'
import {
  BENCH_DIR,
  flags,
  fmtMB,
  fmtMs,
  printTable,
  round,
  summarize,
  writeTimedResult,
  type Summary
} from './lib/stats.ts'
import { eventually } from '../test-support/eventually.ts'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'

const opts = flags({ sizes: '10,50,100', runs: 10, coldRuns: 5, links: 3, refresh: false, diag: false })
const WORKER = path.join(BENCH_DIR, 'dht-worker.ts')

interface SizeResult {
  n: number
  hostProcesses: number
  hostCpuCores: number
  setupSeconds: number
  routingTable: { min: number; avg: number; max: number }
  rssPerNodeMB: number
  hostRssMB: number[]
  publish: { advertisedTo: Summary; ms: Summary }
  lookup: { success: number; runs: number; ms: Summary }
  joinWarm: { success: number; runs: number; joinerMs: Summary; bothMs: Summary; errors: string[] }
  joinCold: { success: number; runs: number; joinerMs: Summary; errors: string[] }
}

interface HostStats {
  cpuMs: number
  loopDelay?: { p99Ms: number; maxMs: number }
  firstNodeConnections?: number
  nodes: number
  routingTable: { min: number; avg: number; max: number }
  memory: { rss: number }
}

async function runSize(n: number): Promise<SizeResult> {
  const t0 = performance.now()
  const procs = Math.min(4, Math.max(2, Math.ceil(n / 25)))
  const counts = Array.from({ length: procs }, (_, i) => Math.floor(n / procs) + (i < n % procs ? 1 : 0))
  const workers: Worker[] = []
  try {
    const hosts = counts.map(() => startWorker(WORKER, ['host']))
    workers.push(...hosts)
    type Started = { addrs: string[]; before: { rss: number }; after: { rss: number } }
    const first = await hosts[0]!.request<Started>({ cmd: 'start', count: counts[0] }, 120_000)
    const bootstrap = [first.addrs[0]!]
    const rest = await Promise.all(
      hosts.slice(1).map((h, i) => h.request<Started>({ cmd: 'start', count: counts[i + 1], bootstrap }, 180_000))
    )
    const started = [first, ...rest]
    const all = started.flatMap((s) => s.addrs)
    await Promise.all(hosts.map((h) => h.request({ cmd: 'mesh', addrs: all, links: opts.links }, 180_000)))
    if (opts.refresh) await Promise.all(hosts.map((h) => h.request({ cmd: 'refresh' }, 180_000)))
    const stats = await Promise.all(hosts.map((h) => h.request<HostStats>({ cmd: 'stats' })))
    // RSS per node: growth of each host process from its empty start (libp2p already imported) to N nodes running.
    const perNode = stats.map((s, i) => (s.memory.rss - started[i]!.before.rss) / s.nodes)
    const rt = {
      min: Math.min(...stats.map((s) => s.routingTable.min)),
      avg: round(stats.reduce((sum, s) => sum + s.routingTable.avg * s.nodes, 0) / n, 1),
      max: Math.max(...stats.map((s) => s.routingTable.max))
    }

    const initiator = startWorker(WORKER, ['initiator'])
    const joiner = startWorker(WORKER, ['joiner'])
    workers.push(initiator, joiner)
    const paired: Array<{ at: number; joiner: string }> = []
    initiator.onEvent((m) => {
      if (m.event === 'paired') paired.push({ at: m.at as number, joiner: m.joiner as string })
    })
    await initiator.request({ cmd: 'start', bootstrap }, 60_000)
    const setupSeconds = round((performance.now() - t0) / 1000, 1)
    const cpuBefore = (await Promise.all(hosts.map((h) => h.request<HostStats>({ cmd: 'stats' })))).reduce(
      (s, x) => s + x.cpuMs,
      0
    )
    const runsStarted = performance.now()

    const publishMs: number[] = []
    const advertisedTo: number[] = []
    const lookups: number[] = []
    let lookupOk = 0
    const warm: number[] = []
    const both: number[] = []
    const warmErrors: string[] = []
    const cold: number[] = []
    const coldErrors: string[] = []
    type Pair = { words: string[]; advertisedTo: number; publishMs: number }
    type Join = {
      ok: boolean
      ms: number
      start: number
      end: number
      peerId?: string
      failure?: string
      paths: string[]
    }
    for (let r = 0; r < opts.runs; r++) {
      const code = await initiator.request<Pair>({ cmd: 'pair' }, 60_000)
      publishMs.push(code.publishMs)
      advertisedTo.push(code.advertisedTo)
      const lookup = await joiner.request<{ ok: boolean; ms: number | null }>(
        { cmd: 'lookup', words: code.words, bootstrap },
        60_000
      )
      if (opts.diag)
        await diagnose(hosts, lookup as unknown as Diag, code as unknown as { rt: number; advertisedTo: number })
      if (lookup.ok) {
        lookupOk++
        lookups.push(lookup.ms!)
      }
      const join = await joiner.request<Join>({ cmd: 'join', words: code.words, bootstrap, warm: true }, 60_000)
      if (process.env.BENCH_VERBOSE !== undefined)
        console.log('  join', round(join.ms, 1), JSON.stringify((join as { steps?: unknown }).steps))
      if (join.ok && join.paths.includes('dht')) {
        warm.push(join.ms)
        // The initiator's "paired" event may trail the joiner's answer; without it the run counts no both-sides time.
        const seenBy = () => paired.find((p) => p.joiner === join.peerId)
        const seen = await eventually('the initiator saw the pairing', seenBy, {
          timeoutMs: 5_000,
          intervalMs: 20
        }).catch(() => undefined)
        if (seen !== undefined) both.push(Math.max(seen.at, join.end) - join.start)
      } else warmErrors.push(join.failure ?? `paired over ${join.paths.join('+')}`)
    }
    // BENCH_VERBOSE: every 5 s, each host process's event-loop delay and the bootstrap node's connections.
    const watch =
      process.env.BENCH_VERBOSE === undefined
        ? undefined
        : setInterval(() => {
            void Promise.all(hosts.map((h) => h.request<HostStats>({ cmd: 'stats' }))).then((all) =>
              console.log(
                `  hosts: loop delay p99/max ${all.map((s) => `${s.loopDelay?.p99Ms}/${s.loopDelay?.maxMs}`).join(' ')} ms; bootstrap connections ${all[0]?.firstNodeConnections}; cpu ${round(all.reduce((t, s) => t + s.cpuMs, 0) / 1000, 1)} s`
              )
            )
          }, 5_000)
    for (let r = 0; r < opts.coldRuns; r++) {
      const code = await initiator.request<Pair>({ cmd: 'pair' }, 60_000)
      const join = await joiner.request<Join>({ cmd: 'join', words: code.words, bootstrap, warm: false }, 60_000)
      if (process.env.BENCH_VERBOSE !== undefined)
        console.log('  cold join', round(join.ms, 1), JSON.stringify((join as { steps?: unknown }).steps))
      if (join.ok && join.paths.includes('dht')) cold.push(join.ms)
      else coldErrors.push(join.failure ?? `paired over ${join.paths.join('+')}`)
    }
    if (watch !== undefined) clearInterval(watch)
    const cpuAfter = (await Promise.all(hosts.map((h) => h.request<HostStats>({ cmd: 'stats' })))).reduce(
      (s, x) => s + x.cpuMs,
      0
    )
    return {
      n,
      hostProcesses: procs,
      // CPU the N DHT nodes used while the runs went on (keep-alive pings, routing-table upkeep, answering lookups), in cores.
      hostCpuCores: round((cpuAfter - cpuBefore) / (performance.now() - runsStarted), 2),
      setupSeconds,
      routingTable: rt,
      rssPerNodeMB: round(perNode.reduce((s, x) => s + x, 0) / perNode.length / 1048576, 2),
      hostRssMB: stats.map((s) => round(s.memory.rss / 1048576, 1)),
      publish: { advertisedTo: summarize(advertisedTo), ms: summarize(publishMs) },
      lookup: { success: lookupOk, runs: opts.runs, ms: summarize(lookups) },
      joinWarm: {
        success: warm.length,
        runs: opts.runs,
        joinerMs: summarize(warm),
        bothMs: summarize(both),
        errors: warmErrors
      },
      joinCold: { success: cold.length, runs: opts.coldRuns, joinerMs: summarize(cold), errors: coldErrors }
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
  }
}

interface Diag {
  ok: boolean
  ms: number | null
  key: string
  queried: string[]
  failed: string[]
  startRt: number
  routingTable: number
}

const kadId = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest()

/** --diag: which host nodes store the record, how close they are to the key, and which of them the lookup asked. */
async function diagnose(hosts: Worker[], lookup: Diag, pair: { rt: number; advertisedTo: number }): Promise<void> {
  type H = { peerId: string; has: boolean; rt: number }
  const all = (
    await Promise.all(hosts.map((h) => h.request<{ nodes: H[] }>({ cmd: 'holders', key: lookup.key })))
  ).flatMap((r) => r.nodes)
  const target = kadId(Buffer.from(lookup.key, 'hex'))
  const dist = (id: string): Buffer => {
    const k = kadId(peerIdFromString(id).toMultihash().bytes)
    return Buffer.from(k.map((b, i) => b ^ target[i]!))
  }
  const ranked = all.map((h) => ({ ...h, d: dist(h.peerId) })).sort((a, b) => Buffer.compare(a.d, b.d))
  const rank = new Map(ranked.map((h, i) => [h.peerId, i]))
  const holders = ranked.filter((h) => h.has).map((h) => rank.get(h.peerId)!)
  const asked = lookup.queried.map((p) => rank.get(p) ?? -1)
  const askedHolders = lookup.queried.filter((p) => ranked[rank.get(p) ?? -1]?.has === true)
  console.log(
    `  diag ${lookup.ok ? 'FOUND' : 'MISSED'} ${lookup.ms === null ? '' : round(lookup.ms, 0) + ' ms'} initiator rt ${pair.rt} acked ${pair.advertisedTo}; holders (rank by distance) [${holders.join(',')}]; joiner rt ${lookup.startRt}->${lookup.routingTable}; asked ${lookup.queried.length} (ranks ${asked.join(',')}), failed ${lookup.failed.length}; asked holders ${askedHolders.length}`
  )
}

async function main(): Promise<void> {
  const started = performance.now()
  const sizes = opts.sizes.split(',').map(Number)
  const results: SizeResult[] = []
  for (const n of sizes) {
    console.log(`DHT of ${n} nodes: starting…`)
    const r = await runSize(n)
    results.push(r)
    console.log(
      `  set up in ${r.setupSeconds} s over ${r.hostProcesses} host processes; routing tables ${r.routingTable.min}/${r.routingTable.avg}/${r.routingTable.max} (min/avg/max); ${r.rssPerNodeMB} MB RSS per node; the DHT nodes kept ${r.hostCpuCores} of the cores busy during the runs`
    )
    for (const e of [...r.joinWarm.errors, ...r.joinCold.errors].slice(0, 5)) console.log(`  failure: ${e}`)
  }
  const pct = (ok: number, runs: number): string => `${ok}/${runs} (${Math.round((100 * ok) / Math.max(1, runs))} %)`
  console.log('\nBenchmark 2 — DHT path, separate processes (fresh joiner device per run)')
  printTable(
    [
      'N',
      'lookup p50',
      'lookup p95',
      'lookup ok',
      'join p50',
      'join p95',
      'both committed p50',
      'join ok',
      'cold join p50',
      'cold ok',
      'RSS/node'
    ],
    results.map((r) => [
      r.n,
      fmtMs(r.lookup.ms.p50),
      fmtMs(r.lookup.ms.p95),
      pct(r.lookup.success, r.lookup.runs),
      fmtMs(r.joinWarm.joinerMs.p50),
      fmtMs(r.joinWarm.joinerMs.p95),
      fmtMs(r.joinWarm.bothMs.p50),
      pct(r.joinWarm.success, r.joinWarm.runs),
      fmtMs(r.joinCold.joinerMs.p50),
      pct(r.joinCold.success, r.joinCold.runs),
      fmtMB(r.rssPerNodeMB * 1048576)
    ])
  )
  writeTimedResult('dht', started, {
    sizes,
    runs: opts.runs,
    coldRuns: opts.coldRuns,
    results
  })
}

await main()
process.exit(0)
