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
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildBenchBundle } from './lib/cli-bundle.ts'
import { startCli, stopCli, type CliEntry } from './lib/cli-process.ts'
import { loadNow, printPairingSummary, timePairing, writePairingResult, type PairingRun } from './lib/pairing-runs.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { flags } from './lib/stats.ts'

const opts = flags({ runs: 50, entry: 'bundle', build: true })
const NET = ['--json', '--no-mdns', '--loopback', '--listen', '/ip4/127.0.0.1/tcp/0']

interface Run extends PairingRun {
  /** DHT lookups that came back without the record before it was found (the initiator had not published yet). */
  emptyLookups: number
}

async function main(): Promise<void> {
  const loadStart = loadNow()
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
    const device = ['--bootstrap', bootstrap]
    for (let i = 0; i < opts.runs; i++) {
      const run = await timePairing<Run>(i, {
        tmp,
        progressLines: 6,
        pair: (dir) => startCli(['pair', ...NET, ...device, '--data-dir', dir], { entry, timeoutMs: 120_000 }),
        join: (words, dir, timeoutMs) =>
          startCli(['join', ...words, ...NET, ...device, '--data-dir', dir], { entry, timeoutMs }),
        remark: (r) =>
          `${r.emptyLookups > 0 ? ` after ${r.emptyLookups} empty lookup(s)` : ''}${r.pairOk === false && r.ok ? ' (initiator did not report success)' : ''}`,
        describe: (common, join): Run => ({
          ...common,
          emptyLookups:
            join?.lines.filter((l) => l.type === 'progress' && l.message === 'DHT: no record yet, asking again')
              .length ?? 0
        })
      })
      runs.push(run)
    }
  } finally {
    await stopCli(node)
    removeTempDir(tmp)
  }

  const title = `Benchmark 6 — ${opts.runs} whole-process loopback pairings through one pairwise node (${entry})`
  const summary = printPairingSummary(title, runs, () => {
    const retried = runs.filter((r) => r.emptyLookups > 0).length
    console.log(
      `  ${retried}/${runs.length} joins looked up the code more than once (the record was not yet published)`
    )
  })
  writePairingResult('node-pairing', { started, loadStart }, { runs: opts.runs, entry }, summary, runs)
}

await main()
