// Benchmark 8 — NAT↔NAT whole-process pairing inside the namespace lab.
//
//   node --disable-warning=ExperimentalWarning bench/nat-pairing.ts [--runs 10] [--symmetric] [--entry bundle|source] [--no-build]
//
// Builds the NAT lab of e2e/netns/nat-lab.ts (needs root, iproute2 and nftables; skips with the
// reason otherwise): `pairwise node` on public host p1 listening on 0.0.0.0, the initiator
// (`pairwise pair`) on LAN-A behind NAT-A, the joiner (`pairwise join`) on LAN-B behind NAT-B
// (--symmetric makes NAT-B symmetric). Both devices get --no-mdns --bootstrap <node> and no
// --loopback; every process has PAIRWISE_TEST_PUBLIC_CIDRS=<the lab's public range>, so the lab's
// "internet" counts as public. Each run: the initiator starts in a fresh data folder, and as soon as
// it prints its words the joiner starts in another (a person pasting a link). The join is timed from
// spawn to exit. The lab is destroyed at the end, also after a failure or Ctrl-C.
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createNatLab, natLabUnavailableReason, type NatLab } from '../e2e/netns/nat-lab.ts'
import { LAB_NODE_PORT, labNodeArgs } from '../e2e/netns/lab-node.ts'
import { trackChild } from './lib/child.ts'
import { buildBenchBundle } from './lib/cli-bundle.ts'
import { lastProgress, startCli, stopCli, type CliEntry, type CliProcess } from './lib/cli-process.ts'
import { loadNow, printPairingSummary, timePairing, writePairingResult, type PairingRun } from './lib/pairing-runs.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { flags, writeResult } from './lib/stats.ts'

const opts = flags({ runs: 10, symmetric: false, entry: 'bundle', build: true })

interface Run extends PairingRun {
  /** What the initiator's last progress line said when the join started (published to, reach). */
  initiatorAtJoin?: string
  /** The joiner's progress messages, in order (kept in the JSON for every run). */
  progress?: string[]
}

async function main(): Promise<void> {
  const loadStart = loadNow()
  const unavailable = natLabUnavailableReason()
  if (unavailable !== undefined) {
    console.log(`bench:nat skipped: ${unavailable}`)
    writeResult('nat-pairing', {
      skipped: unavailable
    })
    return
  }
  const started = performance.now()
  const entry = opts.entry as CliEntry
  if (entry !== 'bundle' && entry !== 'source') throw new Error('--entry is bundle or source')
  if (entry === 'bundle' && opts.build) console.log(`bundle built in ${Math.round((await buildBenchBundle()).ms)} ms`)
  const tmp = makeTempDir('bench-nat')
  let lab: NatLab | undefined
  let node: CliProcess | undefined
  const runs: Run[] = []
  try {
    lab = createNatLab({ natB: { symmetric: opts.symmetric } })
    const theLab = lab
    const env = { ...process.env, PAIRWISE_TEST_PUBLIC_CIDRS: lab.publicCidr }
    const [p1] = lab.public
    const [a1] = lab.lanA
    const [b1] = lab.lanB
    const on = (host: { ns: string }) => ({
      entry,
      env,
      spawn: (cmd: string, args: string[], o: Parameters<NatLab['spawn']>[3]) =>
        trackChild(theLab.spawn(host, cmd, args, o))
    })
    console.log(
      `NAT lab ${lab.prefix}: node on ${p1!.name} ${p1!.ip}, initiator on ${a1!.name} ${a1!.ip} behind NAT-A ${lab.routers.a.publicIp}, joiner on ${b1!.name} ${b1!.ip} behind NAT-B ${lab.routers.b.publicIp}${opts.symmetric ? ' (symmetric)' : ''}`
    )

    node = startCli(labNodeArgs(path.join(tmp, 'node')), { ...on(p1!), timeoutMs: 60 * 60_000 })
    const listening = await node.waitFor((l) => l.type === 'listening', 30_000, 'listening line from pairwise node')
    const bootstrap =
      typeof listening.bootstrap === 'string' && listening.bootstrap.includes(p1!.ip)
        ? listening.bootstrap
        : `/ip4/${p1!.ip}/tcp/${LAB_NODE_PORT}/p2p/${String(listening.peerId)}`
    console.log(`pairwise node at ${bootstrap}`)
    const DEVICE = ['--json', '--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0', '--bootstrap', bootstrap]

    for (let i = 0; i < opts.runs; i++) {
      const run = await timePairing<Run>(i, {
        tmp,
        progressLines: 12,
        pair: (dir) => startCli(['pair', ...DEVICE, '--data-dir', dir], { ...on(a1!), timeoutMs: 120_000 }),
        join: (words, dir, timeoutMs) =>
          startCli(['join', ...words, ...DEVICE, '--data-dir', dir], { ...on(b1!), timeoutMs }),
        remark: (r) => (r.via === undefined ? '' : ` (${r.via})`),
        describe: (common, join, pair): Run => {
          if (join === undefined) return common
          const run: Run = { ...common, progress: lastProgress(join.lines, 40) }
          const firstProgress = pair.lines.find((l) => l.type === 'progress')
          if (firstProgress !== undefined)
            run.initiatorAtJoin = `reach ${String(firstProgress.reach)}, published to ${String(firstProgress.advertisedTo)}`
          if (run.failure !== undefined) run.failure.stderr = join.stderr.slice(-600)
          return run
        }
      })
      runs.push(run)
    }
  } finally {
    if (node !== undefined) await stopCli(node)
    lab?.destroy()
    removeTempDir(tmp)
  }

  const nat = opts.symmetric ? 'symmetric' : 'port-preserving'
  const title = `Benchmark 8 — NAT↔NAT whole-process pairing, ${opts.runs} runs (NAT-B ${nat}, ${entry})`
  const summary = printPairingSummary(title, runs)
  writePairingResult(
    'nat-pairing',
    { started, loadStart },
    { runs: opts.runs, symmetric: opts.symmetric, entry },
    summary,
    runs
  )
}

await main()
