// Benchmark — a real pairing during each flood of issue 10 (1).
//
//   node --disable-warning=ExperimentalWarning bench/floods.ts [--runs 8]
//
// One long-running initiator (a full PairingService on 127.0.0.1) and a 3-node
// DHT. For each flood (test-support/engine/floods.ts: attackers on 127.0.1.x,
// as other machines would be) and for a quiet baseline: `runs` pairings, each
// with a fresh code and a brand-new joiner device that finds the initiator
// through the DHT, as `pairwise join` does. Reported: the real pairings'
// success rate and join latency (words submitted -> joiner paired), and how
// many strangers the initiator turned away. Bounded: every join has its own
// deadline, every flood is stopped.
import { performance } from 'node:perf_hooks'
import { FLOODS, type FloodKind } from '../test-support/engine/floods.ts'
import { startDevice, startDhtNodes, type TestDevice } from '../test-support/engine/loopback-network.ts'
import { eventually } from '../test-support/eventually.ts'
import { removeTempDir } from '../test-support/temp-dirs.ts'
import { flags, fmtMs, printTable, round, sleep, summarize, writeTimedResult } from './lib/stats.ts'

const opts = flags({ runs: 8 })
const TIMING = { reconnectMs: 30_000, joinTimeoutMs: 30_000, lanWaitMs: 500, dhtPatienceMs: 15_000 }

interface Row {
  label: string
  ok: number
  runs: number
  ms: number[]
  refused: number
  failures: string[]
}

async function pairings(initiator: TestDevice, bootstrap: string[], label: string): Promise<Row> {
  const row: Row = { label, ok: 0, runs: opts.runs, ms: [], refused: 0, failures: [] }
  for (let i = 0; i < opts.runs; i++) {
    const joiner = await startDevice('Joiner', { network: { bootstrap }, timing: TIMING })
    try {
      const session = await initiator.service.startPairing({})
      // As a person reading the words out would: the record is usually stored by now. If not, the
      // joiner's own DHT patience covers it, and the wait shows in the figure.
      await eventually(
        'the code is published',
        async () => ((await initiator.service.getState({})).session?.advertisedTo ?? 0) > 0,
        { timeoutMs: 10_000 }
      ).catch(() => undefined)
      const started = performance.now()
      try {
        await joiner.service.join({ code: session.words.join(' ') })
        row.ms.push(performance.now() - started)
        row.ok++
      } catch (err) {
        row.failures.push(`${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`)
      }
      row.refused += (await initiator.service.getState({})).session?.refused ?? 0
    } finally {
      await joiner.stop().catch(() => undefined)
      removeTempDir(joiner.dataDir)
    }
  }
  return row
}

async function main(): Promise<void> {
  const started = performance.now()
  const dht = await startDhtNodes(3)
  const initiator = await startDevice('Initiator under flood', {
    network: { bootstrap: dht.bootstrap },
    timing: TIMING
  })
  const target = initiator.service.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))!
  const rows: Row[] = []
  try {
    rows.push(await pairings(initiator, dht.bootstrap, 'quiet (no attackers)'))
    for (const kind of Object.keys(FLOODS) as FloodKind[]) {
      const flood = await FLOODS[kind].start(target)
      try {
        await sleep(3_000) // the attackers reach full strength
        rows.push(await pairings(initiator, dht.bootstrap, FLOODS[kind].label))
      } finally {
        await flood.stop()
      }
    }
  } finally {
    await initiator.stop().catch(() => undefined)
    removeTempDir(initiator.dataDir)
    await dht.stop()
  }
  console.log(
    `\nA real pairing (through a 3-node DHT, fresh joiner each run) during each flood, ${opts.runs} runs each`
  )
  printTable(
    ['', 'paired', 'success', 'p50', 'max', 'strangers refused'],
    rows.map((r) => {
      const s = summarize(r.ms)
      return [
        r.label,
        `${r.ok}/${r.runs}`,
        `${Math.round((100 * r.ok) / r.runs)} %`,
        fmtMs(s.p50),
        fmtMs(s.max),
        r.refused
      ]
    })
  )
  for (const r of rows) if (r.failures.length > 0) console.log(`${r.label}: failures`, r.failures.slice(0, 3))
  writeTimedResult('floods', started, {
    runs: opts.runs,
    rows: rows.map((r) => ({ ...r, successRate: round(r.ok / r.runs, 3), summary: summarize(r.ms) }))
  })
}

await main()
process.exit(0)
