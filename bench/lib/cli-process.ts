// Whole `pairwise` processes for the benchmarks that drive the CLI: started from
// the bench's own bundle (bench/lib/cli-bundle.ts) or from the sources, read as
// JSON lines, bounded by a hard kill, and tracked so none outlives the benchmark.
// A custom `spawn` runs them elsewhere (inside a lab namespace: NatLab.spawn).
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { BUNDLE_ENTRY } from './cli-bundle.ts'
import { NODE, NODE_FLAGS, trackChild } from './child.ts'
import { ROOT } from './stats.ts'

/** 'bin': bin/pairwise.mjs as a user runs it (dist/cli.mjs when fresh, else the sources). */
export type CliEntry = 'bundle' | 'source' | 'bin'

/** The node arguments that run `pairwise` from the given entry. */
export function entryArgs(entry: CliEntry): string[] {
  if (entry === 'bin') return [path.join(ROOT, 'bin', 'pairwise.mjs')]
  return entry === 'bundle' ? [BUNDLE_ENTRY] : [...NODE_FLAGS, path.join(ROOT, 'main', 'headless', 'cli.ts')]
}

export type JsonLine = Record<string, unknown>

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  /** Spawn to exit. */
  ms: number
  lines: JsonLine[]
  /** When each JSON line arrived, ms after spawn. */
  arrivals: number[]
  stderr: string
  /** True when the hard time limit killed it. */
  killed: boolean
}

export interface CliProcess {
  pid: number
  lines: JsonLine[]
  done: Promise<CliResult>
  /** The first line (already seen or still to come) that `match` accepts; rejects on exit or after `timeoutMs`. */
  waitFor(match: (line: JsonLine) => boolean, timeoutMs: number, what: string): Promise<JsonLine>
  /** SIGINT asks the command to stop cleanly (the CLI's Ctrl-C). */
  kill(signal?: NodeJS.Signals): void
}

export interface StartOptions {
  entry: CliEntry
  env?: NodeJS.ProcessEnv
  /** Hard limit: SIGKILL after this long. */
  timeoutMs: number
  spawn?: (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess
}

/** Starts `pairwise <args>`; every run has PAIRWISE_BOOTSTRAP cleared so only --bootstrap counts. */
export function startCli(args: string[], options: StartOptions): CliProcess {
  const start = performance.now()
  const env = { ...(options.env ?? process.env), PAIRWISE_BOOTSTRAP: '' }
  const spawn = options.spawn ?? spawnChild
  const child = trackChild(
    spawn(NODE, [...entryArgs(options.entry), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  )
  const lines: JsonLine[] = []
  const arrivals: number[] = []
  const watchers = new Set<(line: JsonLine) => void>()
  let stderr = ''
  let killed = false
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)))
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: JsonLine
    try {
      line = JSON.parse(text) as JsonLine
    } catch {
      return
    }
    lines.push(line)
    arrivals.push(performance.now() - start)
    for (const w of watchers) w(line)
  })
  const killer = setTimeout(() => {
    killed = true
    child.kill('SIGKILL')
  }, options.timeoutMs)
  const done = new Promise<CliResult>((resolve) => {
    // 'close', not 'exit': every line the process printed has been read by then.
    child.once('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, ms: performance.now() - start, lines, arrivals, stderr, killed })
    })
  })
  const waitFor: CliProcess['waitFor'] = (match, timeoutMs, what) => {
    const seen = lines.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise<JsonLine>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer)
        watchers.delete(watcher)
      }
      const watcher = (line: JsonLine): void => {
        if (!match(line)) return
        finish()
        resolve(line)
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`no ${what} within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`))
      }, timeoutMs)
      watchers.add(watcher)
      void done.then((r) => {
        finish()
        reject(
          new Error(
            `exited (${r.code ?? r.signal}) before ${what}: ${JSON.stringify(r.lines.at(-1) ?? null)} ${r.stderr.slice(-500)}`
          )
        )
      })
    })
  }
  return {
    pid: child.pid!,
    lines,
    done,
    waitFor,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    }
  }
}

/** Stops a process with SIGINT, then SIGKILL after `graceMs`; resolves with its result. */
export async function stopCli(proc: CliProcess, graceMs = 5_000): Promise<CliResult> {
  proc.kill('SIGINT')
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
  try {
    return await proc.done
  } finally {
    clearTimeout(timer)
  }
}

/** The last `n` progress messages of a run, for failure reports. */
export function lastProgress(lines: JsonLine[], n = 5): string[] {
  return lines
    .filter((l) => l.type === 'progress')
    .slice(-n)
    .map((l) => String(l.message ?? l.step ?? JSON.stringify(l)))
}

/** A result line's error as one line of text. */
export function describeFailure(r: CliResult): string {
  const result = r.lines.find((l) => l.type === 'result')
  const error = result?.error as { code?: string; message?: string; hint?: string } | undefined
  if (error !== undefined)
    return `${error.code ?? '?'}: ${error.message ?? ''}${error.hint === undefined ? '' : ` (hint: ${error.hint})`}`
  if (r.killed) return `killed after the time limit; stderr: ${r.stderr.slice(-300).trim()}`
  return `exit ${r.code ?? r.signal} without a result line; stderr: ${r.stderr.slice(-300).trim()}`
}
