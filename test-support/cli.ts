import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after } from 'node:test'
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
