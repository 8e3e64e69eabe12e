#!/usr/bin/env node
// The `pairwise` command. Plain JavaScript that any Node can parse: machines
// here ship Node 20, but Pairwise needs Node >= 22.12 (libp2p 3, node:sqlite),
// which npm installs into node_modules (the node-<platform> package). This
// file picks what to run and with which Node:
//   - dist/cli.mjs (the bundle, fast to start) when it exists and is not older
//     than the sources it was built from, else main/headless/cli.ts (type stripping);
//   - this Node when it is new enough, else the project's own Node, re-executed.
// PAIRWISE_CLI=source|bundle forces the choice (benchmarks compare the two).
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import module, { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'dist', 'cli.mjs')
const sources = join(root, 'main', 'headless', 'cli.ts')

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const modern = major > 22 || (major === 22 && minor >= 12)
const strips = Boolean(process.features && process.features.typescript)

/** The bundle, unless a source file it was built from has changed since (a stale bundle would run old code). */
function bundleUsable() {
  if (process.env.PAIRWISE_CLI === 'source') return false
  if (!existsSync(bundle)) return false
  if (process.env.PAIRWISE_CLI === 'bundle') return true
  let inputs
  try {
    inputs = JSON.parse(readFileSync(join(root, 'dist', 'cli.inputs.json'), 'utf8')).inputs
  } catch {
    return true
  }
  if (!Array.isArray(inputs)) return true
  const built = statSync(bundle).mtimeMs
  for (const input of inputs) {
    try {
      if (statSync(join(root, String(input))).mtimeMs > built) {
        process.stderr.write(
          'pairwise: dist/cli.mjs is older than the sources; running the sources (`npm run build:cli` refreshes it).\n'
        )
        return false
      }
    } catch {
      // An installed package need not ship its sources.
    }
  }
  return true
}

/** The Node that npm installed for this package, if any. */
function projectNode() {
  const exe = process.platform === 'win32' ? 'node.exe' : 'node'
  const candidates = [join(root, 'node_modules', '.bin', exe)]
  try {
    const pkg = createRequire(import.meta.url).resolve(`node-${process.platform}-${process.arch}/package.json`)
    candidates.push(join(dirname(pkg), 'bin', exe), join(dirname(pkg), exe))
  } catch {
    // Not installed (optional dependency for another platform).
  }
  return candidates.find((file) => existsSync(file))
}

function silenceExperimentalWarnings() {
  // Type stripping and node:sqlite announce themselves on every start in Node 22; say nothing instead.
  const emitWarning = process.emitWarning
  process.emitWarning = function (warning, ...rest) {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type
    if ((warning instanceof Error ? warning.name : type) === 'ExperimentalWarning') return
    return emitWarning.call(process, warning, ...rest)
  }
}

function reexec(node, flags, entry) {
  const child = spawn(node, ['--disable-warning=ExperimentalWarning', ...flags, entry, ...process.argv.slice(2)], {
    stdio: 'inherit',
    // The same on-disk code cache as module.enableCompileCache() below, for the re-executed Node.
    env: { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'), ...process.env, PAIRWISE_REEXEC: '1' }
  })
  // The child does the work; this process only passes signals on and reports its exit.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('error', (err) => {
    process.stderr.write(`pairwise: cannot start ${node}: ${err.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal !== null) process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 1))
    process.exit(code ?? 1)
  })
}

const entry = bundleUsable() ? bundle : sources
if (modern && (entry === bundle || strips)) {
  silenceExperimentalWarnings()
  // V8 keeps the compiled code of the CLI and libp2p on disk between runs: start-up is what `pairwise join` waits for most.
  module.enableCompileCache?.()
  const { main } = await import(pathToFileURL(entry).href)
  await main()
} else if (modern) {
  // Node 22.12–22.17 strips types only when asked.
  reexec(process.execPath, ['--experimental-strip-types'], entry)
} else {
  const node = process.env.PAIRWISE_REEXEC === '1' ? undefined : projectNode()
  if (node === undefined) {
    process.stderr.write(
      `pairwise: Pairwise needs Node >= 22.12, but this is ${process.version}.\nhint: Run \`npm install\` in ${root} (it installs Node 22 into node_modules), or install Node 22.\n`
    )
    process.exit(1)
  }
  reexec(node, [], entry)
}
