// A real `pairwise daemon --ui` child process on 127.0.0.1 (mDNS off), as a
// person would run it headless. The test reads its `ready` line (JSON) for
// the UI link and its listen addresses.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const ROOT = join(import.meta.dirname, '..', '..')

export interface Daemon {
  url: string
  /** The process that runs the engine (from its ready line), for tests that pause it. */
  pid: number
  peerId: string
  multiaddrs: string[]
  events: Array<Record<string, unknown>>
  stop(): Promise<void>
}

export async function startDaemon(
  name: string,
  dataDir: string,
  extra: string[] = [],
  /** More environment, e.g. PAIRWISE_PUBLIC_BOOTSTRAP naming a simulated public network. */
  env: Record<string, string> = {}
): Promise<Daemon> {
  const args = [
    '--disable-warning=ExperimentalWarning',
    join(ROOT, 'bin', 'pairwise.mjs'),
    'daemon',
    '--ui',
    '--json',
    '--name',
    name,
    '--data-dir',
    dataDir,
    '--listen',
    '/ip4/127.0.0.1/tcp/0',
    '--no-mdns',
    '--loopback',
    ...extra
  ]
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, {
    env: { ...process.env, PAIRWISE_BOOTSTRAP: '', ...env }
  })
  const events: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon ${name} did not start in 60 s: ${stderr}`)), 60_000)
    createInterface({ input: child.stdout }).on('line', (line) => {
      let event: Record<string, unknown>
      try {
        event = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      events.push(event)
      if (event.type === 'ready') {
        clearTimeout(timer)
        resolve(event)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`daemon ${name} exited with ${code}: ${stderr}`))
    })
  })
  const info = await ready
  return {
    url: String(info.url),
    pid: Number(info.pid),
    peerId: String(info.peerId),
    multiaddrs: (info.multiaddrs as string[]).map(String),
    events,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}
