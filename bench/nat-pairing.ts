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
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createNatLab, natLabUnavailableReason, type NatLab } from '../e2e/netns/nat-lab.ts'
import { trackChild } from './lib/child.ts'
import { buildBenchBundle } from './lib/cli-bundle.ts'
import { describeFailure, lastProgress, startCli, stopCli, type CliEntry, type CliProcess } from './lib/cli-process.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { flags, fmtMs, printTable, round, summarize, writeResult } from './lib/stats.ts'

const opts = flags({ runs: 10, symmetric: false, entry: 'bundle', build: true })
const NODE_PORT = 4001
const JOIN_LIMIT_MS = 45_000
const SESSION_WAIT_MS = 30_000
const PAIR_SETTLE_MS = 15_000

interface Run {
  run: number
  ok: boolean
  joinMs: number
  foundMs?: number
  via?: string
  /** What the initiator's last progress line said when the join started (published to, reach). */
  initiatorAtJoin?: string
  /** The joiner's progress messages, in order (kept in the JSON for every run). */
  progress?: string[]
  pairOk?: boolean
  failure?: { error: string; progress: string[]; pair: string; stderr: string }
}

async function main(): Promise<void> {
  const loadStart = loadavg().map((x) => round(x, 2))
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

    node = startCli(
      [
        'node',
        '--json',
        '--no-mdns',
        '--listen',
        `/ip4/0.0.0.0/tcp/${NODE_PORT}`,
        '--data-dir',
        path.join(tmp, 'node')
      ],
      { ...on(p1!), timeoutMs: 60 * 60_000 }
    )
    const listening = await node.waitFor((l) => l.type === 'listening', 30_000, 'listening line from pairwise node')
    const bootstrap =
      typeof listening.bootstrap === 'string' && listening.bootstrap.includes(p1!.ip)
        ? listening.bootstrap
        : `/ip4/${p1!.ip}/tcp/${NODE_PORT}/p2p/${String(listening.peerId)}`
    console.log(`pairwise node at ${bootstrap}`)
    const DEVICE = ['--json', '--no-mdns', '--listen', '/ip4/0.0.0.0/tcp/0', '--bootstrap', bootstrap]

    for (let i = 0; i < opts.runs; i++) {
      const dirA = path.join(tmp, `a${i}`)
      const dirB = path.join(tmp, `b${i}`)
      const pair = startCli(['pair', ...DEVICE, '--data-dir', dirA], { ...on(a1!), timeoutMs: 120_000 })
      let run: Run
      try {
        const session = await pair.waitFor(
          (l) => l.type === 'session',
          SESSION_WAIT_MS,
          'session line from pairwise pair'
        )
        const words = session.words as string[]
        const join = await startCli(['join', ...words, ...DEVICE, '--data-dir', dirB], {
          ...on(b1!),
          timeoutMs: JOIN_LIMIT_MS
        }).done
        const result = join.lines.find((l) => l.type === 'result')
        const ok = join.code === 0 && result?.ok === true
        const paired = await Promise.race([pair.done, new Promise<undefined>((r) => setTimeout(r, PAIR_SETTLE_MS))])
        const pairResult = paired?.lines.find((l) => l.type === 'result')
        run = { run: i + 1, ok, joinMs: round(join.ms), pairOk: pairResult?.ok === true }
        const foundIndex = join.lines.findIndex((l) => l.type === 'progress' && l.step === 'found')
        if (foundIndex >= 0) run.foundMs = round(join.arrivals[foundIndex]!)
        const via = join.lines.filter((l) => l.type === 'progress' && / connected /.test(String(l.message))).at(-1)
        if (via !== undefined) run.via = String(via.message)
        run.progress = lastProgress(join.lines, 40)
        const firstProgress = pair.lines.find((l) => l.type === 'progress')
        if (firstProgress !== undefined)
          run.initiatorAtJoin = `reach ${String(firstProgress.reach)}, published to ${String(firstProgress.advertisedTo)}`
        if (!ok) {
          const p =
            paired === undefined
              ? 'still waiting'
              : pairResult === undefined
                ? describeFailure(paired)
                : JSON.stringify(pairResult).slice(0, 300)
          run.failure = {
            error: describeFailure(join),
            progress: lastProgress(join.lines, 12),
            pair: p,
            stderr: join.stderr.slice(-600)
          }
        }
      } catch (err) {
        run = {
          run: i + 1,
          ok: false,
          joinMs: NaN,
          failure: { error: err instanceof Error ? err.message : String(err), progress: [], pair: '', stderr: '' }
        }
      } finally {
        await stopCli(pair)
        removeTempDir(dirA)
        removeTempDir(dirB)
      }
      runs.push(run)
      console.log(
        `run ${String(run.run).padStart(2)}: ${run.ok ? 'ok' : 'FAILED'} join ${fmtMs(run.joinMs)}${run.foundMs === undefined ? '' : `, record found at ${fmtMs(run.foundMs)}`}${run.via === undefined ? '' : ` (${run.via})`}`
      )
      if (run.failure !== undefined) {
        console.log(`    error: ${run.failure.error}`)
        for (const p of run.failure.progress) console.log(`    progress: ${p}`)
        console.log(`    initiator: ${run.failure.pair}`)
        if (run.failure.stderr.trim() !== '') console.log(`    joiner stderr: ${run.failure.stderr.trim()}`)
      }
    }
  } finally {
    if (node !== undefined) await stopCli(node)
    lab?.destroy()
    removeTempDir(tmp)
  }

  const ok = runs.filter((r) => r.ok)
  const join = summarize(ok.map((r) => r.joinMs))
  const found = summarize(ok.flatMap((r) => (r.foundMs === undefined ? [] : [r.foundMs])))
  const paths = new Map<string, number>()
  for (const r of ok) paths.set(r.via ?? 'unknown', (paths.get(r.via ?? 'unknown') ?? 0) + 1)
  console.log(
    `\nBenchmark 8 — NAT↔NAT whole-process pairing, ${opts.runs} runs (NAT-B ${opts.symmetric ? 'symmetric' : 'port-preserving'}, ${entry})`
  )
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
  const failures = runs.filter((r) => !r.ok)
  if (failures.length > 0) {
    console.log(`\nfailures (${failures.length}):`)
    for (const f of failures)
      console.log(`  run ${f.run}: ${f.failure?.error} | last progress: ${f.failure?.progress.join(' → ')}`)
  }
  const file = writeResult('nat-pairing', {
    loadavg: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
    runs: opts.runs,
    symmetric: opts.symmetric,
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
