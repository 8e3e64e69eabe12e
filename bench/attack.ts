// Benchmark 5 — a real pairing while 100 hostile peers hammer the initiator.
//
//   node --disable-warning=ExperimentalWarning bench/attack.ts [--runs 20] [--peers 100]
//
// The initiator is one long-running PairingService; each pairing uses a fresh
// code and a brand-new joiner device on the LAN path (as in benchmark 1:
// raceJoin with the initiator's known address). First `runs` pairings with
// nobody else around, then `runs` more while 100 hostile peers — in their own
// process, each with its own identity and connection — open pairing streams
// back to back with wrong proofs for the live code, garbage bytes, oversized
// frames and unknown rendezvous ids (bench/attack-worker.ts; see --connections
// below for how many connections they open). Reported: the
// real pairings' success and latency under attack against the quiet baseline,
// and what the attackers achieved.
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseCodeOrThrow } from '../shared/code/index.ts'
import { deriveCodeKeys } from '../main/engine/code/derive.ts'
import { toHex } from '../main/engine/util/bytes.ts'
import { startDevice, type TestDevice } from '../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../test-support/temp-dirs.ts'
import { startWorker } from './lib/child.ts'
import {
  lanCandidate,
  lanPair,
  pairedAt,
  phasesOf,
  startJoiner,
  watchInitiator,
  type Timeline
} from './lib/lan-pairing.ts'
import { INCLUSIVE } from './lib/inclusive.ts'
import { printProfile, Profiler, summarizeProfiles, type Window } from './lib/profile.ts'
import { BENCH_DIR, flags, fmtMs, printTable, round, sleep, summarize, writeResult } from './lib/stats.ts'

// --connections: 'per-stream' (the default, as measured so far) dials the initiator's bare address, so libp2p
// opens a fresh connection — a whole Noise handshake — for every hostile stream and drops the older one as a
// duplicate; 'one' dials with its peer id and keeps one connection per attacker.
const opts = flags({
  runs: 20,
  peers: 100,
  warmup: 3,
  source: 'distinct',
  connections: 'per-stream',
  profile: false,
  pin: true
})
const profiler = opts.profile ? new Profiler() : undefined
const windows: Window[][] = []

async function pairings(
  initiator: TestDevice,
  point: (t: Timeline | undefined) => void,
  runs: number,
  onCode: (words: string[]) => Promise<void>,
  profile = false
): Promise<{ ms: number[]; cpuMs: number[]; failures: string[]; failedAttempts: number[] }> {
  const ms: number[] = []
  const cpuMs: number[] = []
  const failures: string[] = []
  const failedAttempts: number[] = []
  for (let i = 0; i < runs; i++) {
    const joiner = await startJoiner('Joiner')
    try {
      const session = await initiator.service.startPairing({})
      await onCode(session.words)
      const timeline = { submit: 0 } as Timeline
      point(timeline)
      if (profile) await profiler?.start()
      const cpu0 = process.cpuUsage()
      try {
        await lanPair(joiner, initiator, session.words, timeline)
        const cpu = process.cpuUsage(cpu0)
        cpuMs.push((cpu.user + cpu.system) / 1000)
        ms.push(phasesOf(timeline as Required<Timeline>).total!)
        if (profile && profiler !== undefined) {
          await profiler.stop()
          windows.push([{ from: timeline.submit, to: pairedAt(timeline) }])
        }
      } catch (err) {
        if (profile && profiler !== undefined) {
          await profiler.stop()
          windows.push([])
        }
        const reached = Object.entries(timeline)
          .map(([k, v]) => `${k}@${Math.round((v as number) - timeline.submit)}`)
          .join(' ')
        failures.push(
          `${err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err)} (reached: ${reached})`
        )
      }
      failedAttempts.push((await initiator.service.getState({})).session?.failedAttempts ?? 0)
    } finally {
      point(undefined)
      await joiner.stop().catch(() => undefined)
    }
  }
  return { ms, cpuMs, failures, failedAttempts }
}

/** Pins every thread of a process to one CPU (Linux `taskset`); false when that is not possible. */
function pin(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const initiator = await startDevice('Initiator under attack')
  const point = watchInitiator(initiator)
  const attackers = startWorker(path.join(BENCH_DIR, 'attack-worker.ts'))
  // The attackers are other machines in real life: on this machine they get their own CPU, so the
  // figure is what the initiator's handling of them costs, not their own CPU use (--no-pin to share).
  const pinned = opts.pin && availableParallelism() >= 2 && pin(process.pid, 0) && pin(attackers.pid, 1)
  try {
    await attackers.request({ cmd: 'start', peers: opts.peers, source: opts.source }, 120_000)
    const noop = async (): Promise<void> => undefined
    await pairings(initiator, point, opts.warmup, noop)
    const quiet = await pairings(initiator, point, opts.runs, noop)

    const address = lanCandidate(initiator).addrs[0]!
    const target = opts.connections === 'one' ? `${address}/p2p/${initiator.service.peerId}` : address
    const rendezvousOf = (words: string[]): string =>
      toHex(deriveCodeKeys(parseCodeOrThrow(words.join(' ')).entropy).rendezvous)
    // A live code for the attackers to aim at while they connect.
    const first = await initiator.service.startPairing({})
    await attackers.request({ cmd: 'attack', target, rendezvous: rendezvousOf(first.words) })
    await sleep(3_000)
    const connecting = await attackers.request<{ stats: { connected: number } }>({ cmd: 'stats' })
    await profiler?.open()
    const hostile = await pairings(
      initiator,
      point,
      opts.runs,
      async (words) => {
        await attackers.request({ cmd: 'rendezvous', rendezvous: rendezvousOf(words) })
      },
      true
    )
    const attack = await attackers.request<{
      stats: {
        attempts: Record<string, number>
        outcomes: Record<string, number>
        connected: number
        connectFailures: number
      }
      attempts: number
      perSecond: number
    }>({ cmd: 'stop' }, 30_000)

    const q = summarize(quiet.ms)
    const h = summarize(hostile.ms)
    const result = {
      pinned,
      peers: opts.peers,
      connections: opts.connections,
      runs: opts.runs,
      quiet: { ...q, success: quiet.ms.length, failures: quiet.failures },
      underAttack: {
        ...h,
        success: hostile.ms.length,
        failures: hostile.failures,
        failedAttemptsPerSession: summarize(hostile.failedAttempts)
      },
      slowdownP50: round(h.p50 / q.p50, 2),
      processCpuMsPerPairing: { quiet: summarize(quiet.cpuMs), underAttack: summarize(hostile.cpuMs) },
      attackers: { connectedAfter3s: connecting.stats.connected, ...attack }
    }
    console.log(
      `\nBenchmark 5 — ${opts.peers} hostile peers (${attack.stats.connected} connected, ${opts.connections === 'one' ? 'one connection each' : 'a new connection per stream'}) sending ${attack.perSecond} bad pairing streams/s while a real joiner pairs${pinned ? ' (initiator and joiner pinned to CPU 0, attackers to CPU 1)' : ''}`
    )
    printTable(
      ['', 'pairings ok', 'p50', 'p95', 'max'],
      [
        [
          'quiet (same initiator, no attackers)',
          `${quiet.ms.length}/${opts.runs}`,
          fmtMs(q.p50),
          fmtMs(q.p95),
          fmtMs(q.max)
        ],
        [
          `under attack by ${opts.peers} peers`,
          `${hostile.ms.length}/${opts.runs}`,
          fmtMs(h.p50),
          fmtMs(h.p95),
          fmtMs(h.max)
        ]
      ]
    )
    console.log(
      `slowdown at p50: ${result.slowdownP50}×; wrong-code attempts counted per session p50 ${result.underAttack.failedAttemptsPerSession.p50}`
    )
    console.log('attacker outcomes:', JSON.stringify(attack.stats.outcomes))
    if (hostile.failures.length > 0) console.log('real pairings that failed:', hostile.failures.slice(0, 5))
    if (profiler !== undefined) {
      await profiler.close()
      const summary = summarizeProfiles(profiler.profiles, 25, windows, INCLUSIVE)
      printProfile(summary, 'CPU profile of the initiator + joiner process during the attacked pairings')
      ;(result as Record<string, unknown>).profile = summary
    }
    const file = writeResult('attack', { ...result, seconds: round((performance.now() - started) / 1000, 1) })
    console.log(`\nwrote ${file}`)
  } finally {
    await attackers.stop()
    await initiator.stop().catch(() => undefined)
    removeTempDir(initiator.dataDir)
  }
}

await main()
process.exit(0)
