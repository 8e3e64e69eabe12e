import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { LabHost, NatLab } from './nat-lab.ts'

// One `pairwise` process (or lab node) in a NAT-lab host: its JSON lines,
// stderr and exit, each wait bounded. Shared by the NAT lab's test files.

/** A stopped process gets this long after SIGINT before SIGKILL. */
const STOP_MS = 10_000

export type Line = Record<string, unknown>

/**
 * The environment of a lab's `pairwise` processes: no built-in bootstrap list, and none of the caller's data
 * folder, debug or public-CIDR settings; `publicCidr` (the lab's "public" range) is treated as public when given.
 */
export function labEnv(publicCidr?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PAIRWISE_BOOTSTRAP: '' }
  delete env.PAIRWISE_TEST_PUBLIC_CIDRS
  delete env.PAIRWISE_DATA_DIR
  delete env.PAIRWISE_DEBUG
  if (publicCidr !== undefined) env.PAIRWISE_TEST_PUBLIC_CIDRS = publicCidr
  return env
}

/** `node <script> ...args` in `host`'s namespace, read as a Cli. */
export function startInLab(
  lab: NatLab,
  host: LabHost,
  label: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Cli {
  const child = lab.spawn(host, process.execPath, ['--disable-warning=ExperimentalWarning', script, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return new Cli(`${label} on ${host.name} (${host.ip})`, child)
}

/** One `pairwise` process in a lab host: its JSON lines, stderr and exit, each wait bounded. */
export class Cli {
  readonly label: string
  readonly child: ChildProcess
  readonly lines: Line[] = []
  stderr = ''
  readonly startedAt = performance.now()
  /** Resolves once the process has exited and its output is read. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>
  readonly #listeners = new Set<() => void>()

  constructor(label: string, child: ChildProcess) {
    this.label = label
    this.child = child
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      // Bounded: a chatty failure must not eat the test's memory.
      if (this.stderr.length < 64_000) this.stderr += d
    })
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Line
      try {
        line = JSON.parse(text) as Line
      } catch {
        line = { type: 'text', text }
      }
      this.lines.push(line)
      this.#notify()
    })
    this.closed = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        resolve({ code, signal, ms: performance.now() - this.startedAt })
        this.#notify()
      })
    })
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener()
  }

  /** The first line that matches, waiting at most `ms`; rejects early when the process ends without it. */
  waitFor(what: string, match: (line: Line) => boolean, ms: number): Promise<Line> {
    return new Promise((resolve, reject) => {
      let ended = false
      const finish = (): void => {
        clearTimeout(timer)
        this.#listeners.delete(check)
      }
      const check = (): void => {
        const found = this.lines.find(match)
        if (found !== undefined) {
          finish()
          resolve(found)
        } else if (ended) {
          finish()
          reject(
            new Error(
              `${this.label} ended (${this.child.exitCode ?? this.child.signalCode}) without ${what}\n${this.transcript()}`
            )
          )
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`${this.label}: no ${what} within ${ms} ms\n${this.transcript()}`))
      }, ms)
      this.#listeners.add(check)
      void this.closed.then(() => {
        ended = true
        check()
      })
      check()
    })
  }

  /** Waits at most `ms` for the process to exit by itself; kills it and throws otherwise. */
  async exit(ms: number): Promise<{ code: number | null; ms: number }> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms)
    })
    const closed = await Promise.race([this.closed, late])
    clearTimeout(timer)
    if (closed === undefined) {
      await this.stop()
      throw new Error(`${this.label} did not exit within ${ms} ms (killed)\n${this.transcript()}`)
    }
    return closed
  }

  /** SIGINT (a clean stop), then SIGKILL after STOP_MS. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGINT')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_MS)
    await this.closed
    clearTimeout(timer)
  }

  result(): Line | undefined {
    return this.lines.findLast((l) => l.type === 'result')
  }

  progress(): Line[] {
    return this.lines.filter((l) => l.type === 'progress')
  }

  /** Everything it printed, for assertion messages. */
  transcript(): string {
    const out = this.lines.map((l) => `    ${JSON.stringify(l)}`).join('\n')
    const err =
      this.stderr.trim() === ''
        ? ''
        : `\n  stderr:\n${this.stderr
            .trim()
            .split('\n')
            .slice(-30)
            .map((l) => `    ${l}`)
            .join('\n')}`
    return `  --- ${this.label} (${this.running ? 'running' : `exit ${this.child.exitCode ?? this.child.signalCode}`}) stdout:\n${out}${err}`
  }
}
