import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { inlineSsdpPackageJson } from '../main/build/inline-package-json.ts'

// Bundles the CLI into dist/cli.mjs (+ lazily loaded chunks): one file read
// instead of hundreds of module resolutions makes `pairwise` start several
// times faster. bin/pairwise.mjs prefers the bundle while it is newer than
// every source listed in dist/cli.inputs.json.
//
//   node scripts/build-cli.ts            build
//   node scripts/build-cli.ts --measure  build, then time start-up bundled vs sources

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const distDir = path.join(root, 'dist')

/** Builds `<outDir>/cli.mjs` (default dist/); the benchmarks build their own copy elsewhere. */
export async function buildCli(outDir = distDir): Promise<{ bytes: number; inputs: number }> {
  await rm(path.join(outDir, 'cli-chunks'), { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  const result = await build({
    entryPoints: { cli: path.join(root, 'main', 'headless', 'cli.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    // Each command's code (and the libp2p stack) in its own chunk: --version and --help load only the entry.
    splitting: true,
    chunkNames: 'cli-chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    // Some dependencies are CommonJS and call require(); ESM output has no require of its own.
    banner: {
      js: "import { createRequire as __pairwiseRequire } from 'node:module'; const require = __pairwiseRequire(import.meta.url);"
    },
    // Needed only by the lazily loaded chunk that builds the web UI on first use (main/build/renderer.ts).
    external: ['esbuild'],
    plugins: [inlineSsdpPackageJson],
    metafile: true,
    logLevel: 'warning'
  })
  const inputs = Object.keys(result.metafile.inputs).filter(
    (file) => !file.includes('node_modules') && !file.includes(':')
  )
  writeFileSync(path.join(outDir, 'cli.inputs.json'), JSON.stringify({ inputs }, null, 1))
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.mjs'))
    .reduce((sum, [, o]) => sum + o.bytes, 0)
  return { bytes, inputs: inputs.length }
}

// ---- start-up measurement ---------------------------------------------------

const NODE = process.execPath
const BIN = path.join(root, 'bin', 'pairwise.mjs')
const NET = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--loopback']

interface Child {
  lines: string[]
  kill(): void
  done: Promise<number | null>
}

function launch(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(NODE, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let buffer = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    const parts = buffer.split('\n')
    buffer = parts.pop()!
    lines.push(...parts)
  })
  child.stderr.resume()
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => (clearTimeout(killer), resolve(code)))
  )
  return { lines, kill: () => child.kill('SIGTERM'), done }
}

async function waitFor<T>(child: Child, pick: (line: string) => T | undefined, ms = 15_000): Promise<T> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 10))) {
    for (const line of child.lines) {
      const found = pick(line)
      if (found !== undefined) return found
    }
  }
  throw new Error('no expected output in time')
}

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now()
  const code = await launch(args, env).done
  const ms = performance.now() - start
  if (code !== 0) throw new Error(`pairwise ${args[0]} exited ${code}`)
  return ms
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function measure(rounds: number): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pw-startup-'))
  const base = { ...process.env, PAIRWISE_BOOTSTRAP: '' }
  const dht = launch(['node', '--data-dir', path.join(tmp, 'dht'), ...NET], base)
  try {
    const bootstrap = await waitFor(dht, (l) => (l.startsWith('/ip4/') ? l : undefined))
    for (const mode of ['bundle', 'source'] as const) {
      const env = { ...base, PAIRWISE_CLI: mode }
      const version: number[] = []
      const join: number[] = []
      for (let i = 0; i < rounds; i++) version.push(await timed(['--version'], env))
      for (let i = 0; i < rounds; i++) {
        const dirs = [path.join(tmp, `${mode}-a${i}`), path.join(tmp, `${mode}-b${i}`)]
        const pair = launch(['pair', '--json', '--data-dir', dirs[0]!, '--bootstrap', bootstrap, ...NET], env)
        const words = await waitFor(pair, (l) =>
          l.includes('"type":"session"') ? (JSON.parse(l) as { words: string[] }).words : undefined
        )
        // Until the record is stored in the DHT, a join would measure the initiator, not the joiner.
        await waitFor(pair, (l) =>
          l.includes('"advertisedTo":') && !l.includes('"advertisedTo":0') ? true : undefined
        )
        join.push(
          await timed(['join', ...words, '--json', '--data-dir', dirs[1]!, '--bootstrap', bootstrap, ...NET], env)
        )
        await pair.done
      }
      console.log(
        `${mode.padEnd(6)}  --version median ${median(version).toFixed(0)} ms (${version.map((v) => v.toFixed(0)).join(', ')})  ·  join median ${median(join).toFixed(0)} ms (${join.map((v) => v.toFixed(0)).join(', ')})`
      )
    }
  } finally {
    dht.kill()
    await dht.done
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now()
  const { bytes, inputs } = await buildCli()
  console.log(
    `dist/cli.mjs built from ${inputs} sources, ${(bytes / 1024).toFixed(0)} KiB in all chunks, in ${(performance.now() - started).toFixed(0)} ms`
  )
  if (process.argv.includes('--measure')) await measure(7)
}
