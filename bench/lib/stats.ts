// Small statistics and reporting helpers shared by the benchmarks. No
// wall-clock assertions anywhere: benchmarks print figures and write JSON.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
export const ROOT = path.dirname(BENCH_DIR)
export const RESULTS_DIR = path.join(BENCH_DIR, 'results')

export interface Summary {
  n: number
  min: number
  p50: number
  p95: number
  max: number
  mean: number
}

/** Nearest-rank percentiles (no interpolation: every figure is a sample that happened). */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, min: NaN, p50: NaN, p95: NaN, max: NaN, mean: NaN }
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length
  return {
    n: sorted.length,
    min: round(sorted[0]!),
    p50: round(rank(50)),
    p95: round(rank(95)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(mean)
  }
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

export function fmtMs(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—'
  return x >= 100 ? `${Math.round(x)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`
}

export function fmtMB(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '—'
  return `${(bytes / 1048576).toFixed(1)} MB`
}

/** Prints rows as an aligned plain-text table. */
export function printTable(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = [headers, ...rows.map((r) => r.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  console.log(line(cells[0]!))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of cells.slice(1)) console.log(line(r))
}

export interface Machine {
  date: string
  nproc: number
  cpu: string
  memMB: number
  node: string
  platform: string
  commit: string | null
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
    if (line !== undefined) cpu = line.split(':')[1]!.trim()
  } catch {
    // Not Linux: os.cpus() is as good.
  }
  let commit: string | null = null
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
  } catch {
    // Not a checkout.
  }
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu,
    memMB: Math.round(totalmem() / 1048576),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit
  }
}

/** Writes bench/results/<name>.json and returns its path. */
export function writeResult(name: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = path.join(RESULTS_DIR, `${name}.json`)
  writeFileSync(file, JSON.stringify({ benchmark: name, machine: machine(), ...data }, null, 2) + '\n')
  return file
}

/** writeResult with the run's wall time in seconds since `started` (performance.now()) last, and says where it wrote. */
export function writeTimedResult(name: string, started: number, data: Record<string, unknown>): string {
  const file = writeResult(name, { ...data, seconds: round((performance.now() - started) / 1000, 1) })
  console.log(`\nwrote ${file}`)
  return file
}

/** `--name value` / `--flag` parsing for benchmark scripts; unknown flags are an error. */
export function flags<T extends Record<string, string | number | boolean>>(
  defaults: T,
  argv = process.argv.slice(2)
): T {
  const out: Record<string, string | number | boolean> = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`)
    let [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined]
    if (rawName.startsWith('no-') && inline === undefined) {
      rawName = rawName.slice(3)
      inline = 'false'
    }
    const name = rawName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    if (!(name in defaults))
      throw new Error(
        `unknown flag --${rawName}; known: ${Object.keys(defaults)
          .map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()))
          .join(' ')}`
      )
    const kind = typeof defaults[name]
    if (kind === 'boolean') {
      out[name] = inline === undefined ? true : inline !== 'false'
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined) throw new Error(`--${rawName} needs a value`)
    out[name] = kind === 'number' ? Number(value) : value
    if (kind === 'number' && Number.isNaN(out[name])) throw new Error(`--${rawName} needs a number`)
  }
  return out as T
}

/** Resident set size of a process from /proc (Linux), in bytes. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /VmRSS:\s+(\d+) kB/.exec(status)
    return match === null ? undefined : Number(match[1]) * 1024
  } catch {
    return undefined
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
