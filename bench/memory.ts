// Benchmark 4 — memory: RSS of an idle `pairwise daemon`.
//
//   node --disable-warning=ExperimentalWarning bench/memory.ts [--wait 60] [--variants bundle,source]
//
// Starts `pairwise daemon --data-dir <fresh> --no-mdns --loopback --listen /ip4/127.0.0.1/tcp/0 --json`,
// waits for its "ready" line, then reads its RSS (VmRSS, with the anonymous and
// file-backed parts) from /proc once a second for --wait seconds; the figure is
// the RSS at the end. For scale, the same is read for an empty `node` process and
// for a process that only imports the engine's libp2p stack. RSS per DHT node is
// in benchmark 2 (bench/dht.ts), measured on its host processes.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { BUNDLE_ENTRY, buildBenchBundle } from './lib/cli-bundle.ts'
import { NODE, trackChild } from './lib/child.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { flags, fmtMB, printTable, round, ROOT, sleep, writeTimedResult } from './lib/stats.ts'

const opts = flags({ wait: 60, variants: 'bundle', build: true })

interface Rss {
  rss: number
  anon: number
  file: number
}

function rssDetail(pid: number): Rss | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') }
  } catch {
    return undefined
  }
}

/** Runs `node ...args`, waits until `ready(line)` (or a fixed delay), samples RSS for `seconds`, kills it. */
async function sample(
  args: string[],
  seconds: number,
  ready?: (line: string) => boolean
): Promise<{ end: Rss; peak: number; series: number[]; readyMs: number }> {
  const started = performance.now()
  const child = trackChild(
    spawn(NODE, args, { cwd: ROOT, env: { ...process.env, PAIRWISE_BOOTSTRAP: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  )
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)))
  try {
    const isReady = Promise.withResolvers<void>()
    if (ready === undefined) setTimeout(() => isReady.resolve(), 1_000)
    else createInterface({ input: child.stdout! }).on('line', (l) => ready(l) && isReady.resolve())
    child.once('exit', (code) => isReady.reject(new Error(`exited ${code} before it was ready: ${stderr}`)))
    const timeout = setTimeout(() => isReady.reject(new Error('not ready within 30 s')), 30_000)
    await isReady.promise
    clearTimeout(timeout)
    const readyMs = performance.now() - started
    const series: number[] = []
    let peak = 0
    for (let s = 0; s < seconds; s++) {
      await sleep(1_000)
      const r = rssDetail(child.pid!)
      if (r === undefined) throw new Error(`process gone: ${stderr}`)
      series.push(round(r.rss / 1048576, 1))
      peak = Math.max(peak, r.rss)
    }
    return { end: rssDetail(child.pid!)!, peak, series, readyMs: round(readyMs) }
  } finally {
    child.kill('SIGTERM')
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
    clearTimeout(t)
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  if (opts.build && opts.variants.includes('bundle')) await buildBenchBundle()
  const rows: Array<{ what: string; end: Rss; peak: number; series: number[]; readyMs: number }> = []
  const baseSeconds = Math.min(5, opts.wait)
  rows.push({ what: 'empty node process', ...(await sample(['-e', 'setInterval(() => {}, 1000)'], baseSeconds)) })
  const engineUrl = pathToFileURL(path.join(ROOT, 'main', 'engine', 'node', 'libp2p-node.ts')).href
  rows.push({
    what: 'node importing the libp2p stack (engine/node/libp2p-node.ts)',
    ...(await sample(
      [
        '--disable-warning=ExperimentalWarning',
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(engineUrl)}); setInterval(() => {}, 1000)`
      ],
      baseSeconds
    ))
  })
  for (const variant of opts.variants.split(',')) {
    const dir = makeTempDir('bench-daemon')
    try {
      const entry =
        variant === 'bundle'
          ? [BUNDLE_ENTRY]
          : ['--disable-warning=ExperimentalWarning', path.join(ROOT, 'main', 'headless', 'cli.ts')]
      const args = [
        ...entry,
        'daemon',
        '--json',
        '--data-dir',
        dir,
        '--no-mdns',
        '--loopback',
        '--listen',
        '/ip4/127.0.0.1/tcp/0'
      ]
      const r = await sample(args, opts.wait, (line) => line.includes('"type":"ready"'))
      rows.push({ what: `idle pairwise daemon (${variant}) after ${opts.wait} s`, ...r })
    } finally {
      removeTempDir(dir)
    }
  }
  console.log('\nBenchmark 4 — memory (VmRSS from /proc)')
  printTable(
    ['process', 'RSS', 'anonymous', 'file-backed', 'peak'],
    rows.map((r) => [r.what, fmtMB(r.end.rss), fmtMB(r.end.anon), fmtMB(r.end.file), fmtMB(r.peak)])
  )
  writeTimedResult('memory', started, {
    waitSeconds: opts.wait,
    rows
  })
}

await main()
process.exit(0)
