// Child processes for the multi-process benchmarks: JSON lines over stdio,
// request/response by id, and a guarantee that every child dies with us.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { ROOT } from './stats.ts'

export const NODE = process.execPath
export const NODE_FLAGS = ['--disable-warning=ExperimentalWarning']

const live = new Set<ChildProcess>()
let hooked = false

function killAll(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL')
    } catch {
      // Already gone.
    }
  }
  live.clear()
}

/** Kills every tracked child when this process exits or is interrupted. */
export function trackChild(child: ChildProcess): ChildProcess {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (!hooked) {
    hooked = true
    process.once('exit', killAll)
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        killAll()
        process.exit(130)
      })
    }
    process.once('uncaughtException', (err) => {
      console.error(err)
      killAll()
      process.exit(1)
    })
  }
  return child
}

export interface Worker {
  pid: number
  request<T = Record<string, unknown>>(msg: Record<string, unknown>, timeoutMs?: number): Promise<T>
  /** Messages the worker sends on its own (no id). */
  onEvent(listener: (msg: Record<string, unknown>) => void): void
  stop(): Promise<void>
  stderr(): string
}

/** Starts `node <script> ...args` speaking JSON lines: requests carry an id, replies echo it. */
export function startWorker(script: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Worker {
  const child = trackChild(
    spawn(NODE, [...NODE_FLAGS, script, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
  )
  let nextId = 1
  let err = ''
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  const listeners: Array<(msg: Record<string, unknown>) => void> = []
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-8000)
  })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(line) as Record<string, unknown>
    } catch {
      return
    }
    const id = msg.id as number | undefined
    if (id !== undefined && pending.has(id)) {
      const p = pending.get(id)!
      pending.delete(id)
      if (typeof msg.error === 'string') p.reject(new Error(msg.error))
      else p.resolve(msg)
    } else for (const l of listeners) l(msg)
  })
  child.once('exit', (code, signal) => {
    for (const p of pending.values())
      p.reject(new Error(`worker ${script} exited (${code ?? signal}): ${err.slice(-2000)}`))
    pending.clear()
  })
  return {
    pid: child.pid!,
    request<T>(msg: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const t = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`worker ${script}: no answer to ${String(msg.cmd)} within ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(t)
            resolve(v as T)
          },
          reject: (e) => {
            clearTimeout(t)
            reject(e)
          }
        })
        child.stdin!.write(JSON.stringify({ ...msg, id }) + '\n')
      })
    },
    onEvent(listener) {
      listeners.push(listener)
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.stdin!.end()
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(t)
    },
    stderr: () => err
  }
}

/** The worker side: answers each request line with handler(msg), echoing its id. Ends when stdin closes. */
export function serveRequests(
  handler: (msg: Record<string, unknown>) => Promise<Record<string, unknown>>,
  onEnd: () => Promise<void>
): void {
  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    const msg = JSON.parse(line) as Record<string, unknown>
    handler(msg).then(
      (reply) => send({ ...reply, id: msg.id }),
      (err: unknown) => send({ id: msg.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
    )
  })
  rl.on('close', () => {
    const hard = setTimeout(() => process.exit(0), 5_000)
    hard.unref()
    void onEnd().finally(() => process.exit(0))
  })
}

export function send(msg: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(msg) + '\n')
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now()
