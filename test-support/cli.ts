import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after } from 'node:test'
import { eventually } from './eventually.ts'
import { TempDirs } from './temp-dirs.ts'
import { TmuxTerminal } from './tmux-terminal.ts'

// Running the real `pairwise` command in tests: from the sources, never a
// stale bundle, never a node from the environment, never mDNS.

export const CLI_BIN = fileURLToPath(new URL('../bin/pairwise.mjs', import.meta.url))
export const CLI_ENV = { ...process.env, PAIRWISE_CLI: 'source', PAIRWISE_BOOTSTRAP: '' }
/** A node on 127.0.0.1 only, with no LAN multicast. */
export const LOOPBACK_NET = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--loopback']

/** One whole `pairwise` run with its output; killed after `ms`. */
export function runCli(args: string[], ms = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c))
  const timer = setTimeout(() => child.kill('SIGKILL'), ms)
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, ...out })
    })
  )
}

/** A `pairwise` that keeps running (daemon, node, pair): its output so far, its exit, a wait for a line. */
export interface RunningCli {
  child: ChildProcess
  out: { stdout: string; stderr: string }
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>
  /** The first stdout line for which `match` returns something, within `ms`; fails at once if the process ended. */
  line<T>(match: (line: string) => T | undefined, ms: number): Promise<T>
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>
}

export function startCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c))
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, ...out }))
  )
  return {
    child,
    out,
    exited,
    line<T>(match: (line: string) => T | undefined, ms: number): Promise<T> {
      const what = () => `a line from pairwise ${args[0]} (exit ${child.exitCode}):\n${out.stdout}\n${out.stderr}`
      return eventually(
        what,
        () => {
          for (const l of out.stdout.split('\n')) {
            const found = l === '' ? undefined : match(l)
            if (found !== undefined) return found
          }
          if (child.exitCode !== null) throw new Error(`no ${what()}`)
          return undefined
        },
        { timeoutMs: ms, intervalMs: 25 }
      )
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      child.kill('SIGTERM')
      await exited
      clearTimeout(timer)
    }
  }
}

/** Parses one line of `--json` output, or undefined when it is not JSON. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** A suite's temp folders and tmux terminals, closed after it; `skip` says why when tmux is missing. */
export function terminalSuite(label: string) {
  const temp = new TempDirs(label)
  const terminals: TmuxTerminal[] = []
  after(() => {
    for (const t of terminals) t.close()
    temp.removeAll()
  })
  const skip = TmuxTerminal.available() ? false : 'tmux is not installed (apt-get install tmux)'
  return { temp, terminals, skip }
}
