// Side by side with magic-wormhole: `wormhole receive <code>` against wormhole's own mailbox server
// on 127.0.0.1, interleaved round by round with `pairwise join <words>` through bin/pairwise.mjs.
// Each side's other party is already waiting (`wormhole send --text`, `pairwise pair`), and each
// receiving process is timed from spawn to exit.
//
//   node --disable-warning=ExperimentalWarning bench/wormhole.ts [--rounds 20] [--no-build]
//
// Needs the Debian packages magic-wormhole and python3-magic-wormhole-mailbox-server; without them it
// says how to install them, writes { skipped } and exits 0. Nothing leaves 127.0.0.1: the mailbox
// listens on loopback, a text message needs no transit, and the transit helper is pointed at a
// closed loopback port so the client never looks for the public one. `pairwise join` runs with
// --no-mdns and the initiator's loopback address as its bootstrap.
//
// Writes bench/results/wormhole.json: both medians and `ratio` = pairwise p50 / wormhole p50.
import { spawn, spawnSync } from 'node:child_process'
import { Socket } from 'node:net'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { trackChild } from './lib/child.ts'
import { buildBenchBundle } from './lib/cli-bundle.ts'
import { startCli, type CliProcess } from './lib/cli-process.ts'
import { loadNow, printLoad, timePairing, type PairingRun } from './lib/pairing-runs.ts'
import { flags, fmtMs, printTable, round, summarize, writeResult, writeTimedResult } from './lib/stats.ts'
import { freePort } from '../test-support/free-port.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { buildCli } from '../scripts/build-cli.ts'

const opts = flags({ rounds: 20, build: true })

const WORMHOLE = '/usr/bin/wormhole'
/** Debian's Python: the mailbox server is a Twisted plugin installed for it, not for any other python3. */
const PYTHON = '/usr/bin/python3'
const INSTALL_HINT =
  'sudo apt-get install -y magic-wormhole python3-magic-wormhole-mailbox-server (Debian/Ubuntu packages)'
const LOOPBACK_NET = ['--json', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--loopback']
/** A wormhole code's words; the nameplate number changes every round so no two rounds share a channel. */
const WORMHOLE_WORDS = 'guitarist-revenge'

function missing(): string | undefined {
  if (spawnSync(WORMHOLE, ['--version'], { stdio: 'ignore' }).status !== 0) return `${WORMHOLE} is not installed`
  const probe = spawnSync(PYTHON, ['-c', 'import twisted, wormhole_mailbox_server'], { stdio: 'ignore' })
  if (probe.status !== 0) return 'the wormhole mailbox server (python3-magic-wormhole-mailbox-server) is not installed'
  return undefined
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket()
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false))
      socket.connect(port, '127.0.0.1')
    }).then((ok) => ok)
    if (open) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the wormhole mailbox server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`)
}

interface Mailbox {
  url: string
  stop(): void
}

async function startMailbox(dir: string): Promise<Mailbox> {
  const port = await freePort()
  const child = trackChild(
    spawn(
      PYTHON,
      [
        '-m',
        'twisted',
        'wormhole-mailbox',
        `--port=tcp:${port}:interface=127.0.0.1`,
        `--channel-db=${path.join(dir, 'relay.sqlite')}`
      ],
      { cwd: dir, stdio: 'ignore' }
    )
  )
  await waitForPort(port, 20_000)
  return { url: `ws://127.0.0.1:${port}/v1`, stop: () => child.kill('SIGTERM') }
}

interface Timed {
  ok: boolean
  ms: number
  output: string
}

/** Runs a command, timing spawn to exit; `onOutput` sees stdout and stderr as they come. */
function timed(cmd: string, args: string[], onOutput?: (text: string) => void): { done: Promise<Timed>; kill(): void } {
  const start = performance.now()
  const child = trackChild(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }))
  let output = ''
  const collect = (d: string): void => {
    output = (output + d).slice(-4000)
    onOutput?.(output)
  }
  child.stdout!.setEncoding('utf8').on('data', collect)
  child.stderr!.setEncoding('utf8').on('data', collect)
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const done = new Promise<Timed>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(killer)
      resolve({ ok: code === 0, ms: performance.now() - start, output })
    })
  })
  return { done, kill: () => child.kill('SIGKILL') }
}

/** One wormhole round: the sender waits with a text message; `wormhole receive` is timed. */
async function wormholeRound(mailbox: Mailbox, round: number): Promise<Timed> {
  const code = `${100 + round}-${WORMHOLE_WORDS}`
  const common = ['--relay-url', mailbox.url, '--transit-helper', 'tcp:127.0.0.1:9']
  const waiting = Promise.withResolvers<void>()
  const sender = timed(WORMHOLE, [...common, 'send', '--text', 'pairwise-bench', '--code', code], (out) => {
    if (out.includes('wormhole receive')) waiting.resolve()
  })
  void sender.done.then(() => waiting.resolve())
  try {
    await waiting.promise
    // The sender prints its code before it has claimed the nameplate; let it get there, untimed.
    await new Promise((r) => setTimeout(r, 300))
    const receive = await timed(WORMHOLE, [...common, 'receive', '--hide-progress', code]).done
    const sent = await sender.done
    const ok = receive.ok && sent.ok && receive.output.includes('pairwise-bench')
    return { ...receive, ok }
  } finally {
    sender.kill()
  }
}

/** One pairwise round: `pairwise pair` (bench bundle) waits; `pairwise join` through bin/pairwise.mjs is timed. */
function pairwiseRound(tmp: string, round: number): Promise<PairingRun> {
  let initiator: CliProcess | undefined
  return timePairing(round, {
    tmp,
    progressLines: 8,
    pair: (dir) =>
      (initiator = startCli(['pair', ...LOOPBACK_NET, '--data-dir', dir], { entry: 'bundle', timeoutMs: 60_000 })),
    join: (words, dir, timeoutMs) => {
      const session = initiator!.lines.find((l) => l.type === 'session')!
      const bootstrap = (session.multiaddrs as string[]).find((m) => m.startsWith('/ip4/127.0.0.1/'))!
      return startCli(['join', ...words, ...LOOPBACK_NET, '--bootstrap', bootstrap, '--data-dir', dir], {
        entry: 'bin',
        timeoutMs
      })
    },
    describe: (run) => run
  })
}

async function main(): Promise<void> {
  const started = performance.now()
  const loadStart = loadNow()
  const why = missing()
  if (why !== undefined) {
    console.log(`bench:wormhole skipped: ${why}. Install with: ${INSTALL_HINT}`)
    writeResult('wormhole', { skipped: `${why}; install with: ${INSTALL_HINT}` })
    return
  }
  if (opts.build) {
    // The bench's initiator bundle, and dist/cli.mjs so that bin/pairwise.mjs runs the bundle as an installed copy would.
    console.log(`bundle built in ${Math.round((await buildBenchBundle()).ms)} ms`)
    await buildCli()
  }
  const tmp = makeTempDir('bench-wormhole')
  const mailbox = await startMailbox(tmp)
  const wormholeMs: number[] = []
  const pairwiseMs: number[] = []
  const failures: string[] = []
  try {
    // Round 0 warms both (Python's bytecode, Node's compile cache) and is not counted.
    for (let r = 0; r <= opts.rounds; r++) {
      const w = await wormholeRound(mailbox, r)
      const p = await pairwiseRound(tmp, r)
      console.log(`round ${r}${r === 0 ? ' (warm-up)' : ''}: wormhole receive ${fmtMs(w.ms)}${w.ok ? '' : ' FAILED'}`)
      if (r === 0) continue
      if (w.ok) wormholeMs.push(w.ms)
      else failures.push(`wormhole round ${r}: ${w.output.trim().slice(-300)}`)
      if (p.ok) pairwiseMs.push(p.joinMs)
      else failures.push(`pairwise round ${r}: ${p.failure?.error ?? 'failed'}`)
    }
  } finally {
    mailbox.stop()
    removeTempDir(tmp)
  }
  const wormhole = summarize(wormholeMs)
  const pairwise = summarize(pairwiseMs)
  const ratio = round(pairwise.p50 / wormhole.p50, 2)
  console.log(`\nSide by side, ${opts.rounds} interleaved rounds, the other party already waiting, spawn to exit`)
  printTable(
    ['command', 'p50', 'p95', 'min / max', 'ok'],
    [
      [
        '`wormhole receive <code>` (text, local mailbox)',
        fmtMs(wormhole.p50),
        fmtMs(wormhole.p95),
        `${fmtMs(wormhole.min)} / ${fmtMs(wormhole.max)}`,
        `${wormholeMs.length}/${opts.rounds}`
      ],
      [
        '`pairwise join <words>` (bin/pairwise.mjs, loopback)',
        fmtMs(pairwise.p50),
        fmtMs(pairwise.p95),
        `${fmtMs(pairwise.min)} / ${fmtMs(pairwise.max)}`,
        `${pairwiseMs.length}/${opts.rounds}`
      ]
    ]
  )
  console.log(`ratio pairwise p50 / wormhole p50: ${ratio}×`)
  for (const f of failures) console.log(`  ${f}`)
  printLoad(loadStart)
  writeTimedResult('wormhole', started, {
    rounds: opts.rounds,
    loadavg: { start: loadStart, end: loadNow() },
    wormholeVersion: spawnSync(WORMHOLE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    wormhole,
    pairwise,
    ratio,
    failures
  })
}

await main()
process.exit(0)
