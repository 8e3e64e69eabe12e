// Benchmark 3 — whole-process CLI: `pairwise join <words>` from process start
// to exit, with an initiator already waiting (the measurement that gives
// `wormhole receive` 521 ms), `pairwise --version`, and `pairwise devices` in a data
// folder set up before (no daemon: it opens the registry and starts no network).
//
//   node --disable-warning=ExperimentalWarning bench/cli.ts [--runs 10] [--variants bundle,bundle-cache,source,bin]
//
// Variants (each a separate `node` process, timed here in Node from spawn to exit):
//   bundle        a fresh bundle of main/headless/cli.ts (bench/results/cli-bundle, same esbuild
//                 options as scripts/build-cli.ts), no compile cache
//   bundle-cache  the same with Node's on-disk compile cache (NODE_COMPILE_CACHE), warmed once
//   source        main/headless/cli.ts run from the TypeScript sources (type stripping)
//   bin           bin/pairwise.mjs as a user runs it (it picks dist/cli.mjs or the sources itself)
// For each join, the initiator is `pairwise pair --json` (bundle) in its own data folder,
// already showing its code; the joiner is told the initiator's address with
// --bootstrap (the documented interface), has a fresh data folder, and no mDNS.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { BUNDLE_ENTRY, buildBenchBundle } from './lib/cli-bundle.ts'
import { NODE, trackChild } from './lib/child.ts'
import { buildCli } from '../scripts/build-cli.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { flags, fmtMs, printTable, round, ROOT, summarize, writeResult, type Summary } from './lib/stats.ts'

const opts = flags({ runs: 10, variants: 'bundle,bundle-cache,source,bin', build: true })
const NET = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--loopback']
const SOURCE_ENTRY = path.join(ROOT, 'main', 'headless', 'cli.ts')
const BIN = path.join(ROOT, 'bin', 'pairwise.mjs')

interface Variant {
  name: string
  args: string[]
  env: NodeJS.ProcessEnv
}

function variant(name: string, cacheDir: string): Variant {
  const env: NodeJS.ProcessEnv = { ...process.env, PAIRWISE_BOOTSTRAP: '' }
  delete env.NODE_COMPILE_CACHE
  switch (name) {
    case 'bundle':
      return { name, args: [BUNDLE_ENTRY], env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' } }
    case 'bundle-cache':
      return { name, args: [BUNDLE_ENTRY], env: { ...env, NODE_COMPILE_CACHE: cacheDir } }
    case 'source':
      return {
        name,
        args: ['--disable-warning=ExperimentalWarning', SOURCE_ENTRY],
        env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' }
      }
    case 'bin':
      return { name, args: [BIN], env }
    default:
      throw new Error(`unknown variant ${name}`)
  }
}

interface Run {
  code: number | null
  ms: number
  lines: Array<Record<string, unknown>>
  /** When each JSON line arrived, ms after spawn. */
  arrivals: number[]
  stderr: string
}

/** Spawns `node <variant> <args>`, timing spawn to exit; `onLine` sees each stdout JSON line as it arrives. */
function run(
  v: Variant,
  args: string[],
  onLine?: (line: Record<string, unknown>) => void,
  timeoutMs = 30_000
): { done: Promise<Run>; kill(): void } {
  const start = performance.now()
  const child = trackChild(
    spawn(NODE, [...v.args, ...args], { cwd: ROOT, env: v.env, stdio: ['ignore', 'pipe', 'pipe'] })
  )
  const lines: Array<Record<string, unknown>> = []
  const arrivals: number[] = []
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>
      lines.push(parsed)
      arrivals.push(performance.now() - start)
      onLine?.(parsed)
    } catch {
      // Text output (--version prints a bare version).
    }
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const done = new Promise<Run>((resolve) => {
    child.once('exit', (code) => {
      const ms = performance.now() - start
      clearTimeout(killer)
      resolve({ code, ms, lines, arrivals, stderr })
    })
  })
  return { done, kill: () => child.kill('SIGTERM') }
}

interface VariantResult {
  variant: string
  version: Summary
  /** `pairwise devices --no-mdns` in a folder set up by a first run, no daemon running. */
  devices: Summary
  join: Summary
  joinOk: number
  /** Inside the joiner: first progress event to 'paired' (the engine's part of the wall time). */
  joinEngine: Summary
  /** Spawn to the first progress line: Node start, module loading, service start. */
  joinStartup: Summary
  /** The result line to process exit: shutting the node down. */
  joinExit: Summary
  failures: string[]
  usedBundle?: boolean
}

async function measure(v: Variant, tmp: string, pairer: Variant): Promise<VariantResult> {
  const version: number[] = []
  for (let i = 0; i < opts.runs + 1; i++) {
    const r = await run(v, ['--version']).done
    if (i > 0 && r.code === 0) version.push(r.ms)
  }
  const devices: number[] = []
  const devicesDir = path.join(tmp, `${v.name}-devices`)
  for (let i = 0; i < opts.runs + 1; i++) {
    // The first run sets the folder up (device key, registry, marker) and is not counted.
    const r = await run(v, ['devices', '--json', '--no-mdns', '--data-dir', devicesDir]).done
    if (i > 0 && r.code === 0) devices.push(r.ms)
  }
  removeTempDir(devicesDir)
  const join: number[] = []
  const engine: number[] = []
  const startup: number[] = []
  const exit: number[] = []
  const failures: string[] = []
  let usedBundle: boolean | undefined
  for (let i = 0; i < opts.runs + 1; i++) {
    const dirA = path.join(tmp, `${v.name}-a${i}`)
    const dirB = path.join(tmp, `${v.name}-b${i}`)
    const session = Promise.withResolvers<{ words: string[]; multiaddrs: string[] }>()
    const pair = run(pairer, ['pair', '--json', '--data-dir', dirA, ...NET], (line) => {
      if (line.type === 'session')
        session.resolve({ words: line.words as string[], multiaddrs: line.multiaddrs as string[] })
    })
    void pair.done.then((r) => session.reject(new Error(`pair exited ${r.code}: ${r.stderr.slice(-500)}`)))
    try {
      const { words, multiaddrs } = await session.promise
      const bootstrap = multiaddrs.find((m) => m.startsWith('/ip4/127.0.0.1/'))!
      const joined = await run(v, ['join', ...words, '--json', '--data-dir', dirB, '--bootstrap', bootstrap, ...NET])
        .done
      const result = joined.lines.find((l) => l.type === 'result')
      if (v.name === 'bin') usedBundle = !joined.stderr.includes('running the sources')
      if (joined.code === 0 && result?.ok === true) {
        if (i > 0) {
          join.push(joined.ms)
          const at = joined.lines.filter((l) => l.type === 'progress').map((l) => l.at as number)
          if (at.length >= 2) engine.push(at[at.length - 1]! - at[0]!)
          const first = joined.lines.findIndex((l) => l.type === 'progress')
          const last = joined.lines.findIndex((l) => l.type === 'result')
          if (first >= 0) startup.push(joined.arrivals[first]!)
          if (last >= 0) exit.push(joined.ms - joined.arrivals[last]!)
        }
      } else failures.push(`exit ${joined.code}: ${JSON.stringify(result ?? joined.stderr.slice(-300))}`)
      await Promise.race([pair.done, new Promise((r) => setTimeout(r, 10_000))])
    } finally {
      pair.kill()
      await pair.done
      removeTempDir(dirA)
      removeTempDir(dirB)
    }
  }
  return {
    variant: v.name,
    version: summarize(version),
    devices: summarize(devices),
    join: summarize(join),
    joinOk: join.length,
    joinEngine: summarize(engine),
    joinStartup: summarize(startup),
    joinExit: summarize(exit),
    failures,
    ...(usedBundle === undefined ? {} : { usedBundle })
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const tmp = makeTempDir('bench-cli')
  const cacheDir = path.join(tmp, 'compile-cache')
  try {
    const built = opts.build ? await buildBenchBundle() : undefined
    // bin/pairwise.mjs runs dist/cli.mjs only while it is fresh; build it, as `npm run build:cli` would.
    if (opts.build && opts.variants.split(',').includes('bin')) await buildCli()
    if (built !== undefined)
      console.log(`bundle built in ${Math.round(built.ms)} ms, ${Math.round(built.bytes / 1024)} KiB of .mjs`)
    const pairer = variant('bundle', cacheDir)
    const results: VariantResult[] = []
    for (const name of opts.variants.split(',')) {
      const v = variant(name, cacheDir)
      results.push(await measure(v, tmp, pairer))
      const r = results.at(-1)!
      console.log(
        `${name}: --version p50 ${fmtMs(r.version.p50)}, devices p50 ${fmtMs(r.devices.p50)}, join p50 ${fmtMs(r.join.p50)} (${r.joinOk}/${opts.runs} ok)${r.usedBundle === undefined ? '' : r.usedBundle ? ' [bin used dist/cli.mjs]' : ' [bin ran the sources: dist/cli.mjs is stale]'}`
      )
      for (const f of r.failures.slice(0, 3)) console.log(`  failure: ${f}`)
    }
    console.log('\nBenchmark 3 — whole-process CLI (spawn to exit, initiator already waiting)')
    printTable(
      [
        'variant',
        '--version p50',
        'devices p50',
        'join p50',
        'join p95',
        'join max',
        'start-up to first progress p50',
        'engine: first progress -> paired p50',
        'result -> exit p50',
        'ok'
      ],
      results.map((r) => [
        r.variant,
        fmtMs(r.version.p50),
        fmtMs(r.devices.p50),
        fmtMs(r.join.p50),
        fmtMs(r.join.p95),
        fmtMs(r.join.max),
        fmtMs(r.joinStartup.p50),
        fmtMs(r.joinEngine.p50),
        fmtMs(r.joinExit.p50),
        `${r.joinOk}/${opts.runs}`
      ])
    )
    const file = writeResult('cli', {
      runs: opts.runs,
      bundle: built === undefined ? null : { ms: round(built.ms), bytes: built.bytes },
      results,
      seconds: round((performance.now() - started) / 1000, 1)
    })
    console.log(`\nwrote ${file}`)
  } finally {
    removeTempDir(tmp)
  }
}

await main()
process.exit(0)
