import { readFileSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../engine/identity/atomic-file.ts'

// A running daemon owns the data folder's lock, so other `pairwise` commands
// talk to it instead. This file tells them where: the daemon's pid, the port
// of its local API and the token it accepts. 0600 in the 0700 data folder:
// the token is as private as the data itself.

export interface DaemonInfo {
  pid: number
  port: number
  token: string
}

export const DAEMON_FILE = 'daemon.json'

export function daemonFilePath(dataDir: string): string {
  return join(dataDir, DAEMON_FILE)
}

export function writeDaemonInfo(dataDir: string, info: DaemonInfo): void {
  writeFileAtomic(daemonFilePath(dataDir), new TextEncoder().encode(JSON.stringify(info)), 0o600)
}

/** The running daemon's address, or undefined when none runs (no file, a damaged one, or a dead pid). */
export function readDaemonInfo(dataDir: string): DaemonInfo | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(daemonFilePath(dataDir), 'utf8'))
  } catch {
    return undefined
  }
  if (typeof raw !== 'object' || raw === null) return undefined
  const { pid, port, token } = raw as Record<string, unknown>
  if (
    !Number.isSafeInteger(pid) ||
    !Number.isSafeInteger(port) ||
    typeof token !== 'string' ||
    !/^[0-9a-f]{64}$/.test(token)
  )
    return undefined
  const info = { pid: pid as number, port: port as number, token }
  if (info.port < 1 || info.port > 65535 || !isAlive(info.pid)) return undefined
  return info
}

/** Removes the file only while it still describes this process: a newer daemon may have replaced it. */
export function removeDaemonInfo(dataDir: string, pid: number = process.pid): void {
  try {
    const raw = JSON.parse(readFileSync(daemonFilePath(dataDir), 'utf8')) as { pid?: unknown }
    if (raw.pid !== pid) return
    unlinkSync(daemonFilePath(dataDir))
  } catch {
    // Already gone or unreadable: nothing to clean up.
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
