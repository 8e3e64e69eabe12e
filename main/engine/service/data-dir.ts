import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { homedir, platform } from 'node:os'
import { join } from 'node:path'
import { PairwiseError } from '../../../shared/errors.ts'
import { ensurePrivateDir } from '../identity/file-secret-store.ts'

/**
 * The headless data folder (CLI and daemon), in the platform's per-user data
 * location. It is deliberately not the desktop app's folder (Electron's
 * userData): the desktop app seals secrets with the OS keystore, headless runs
 * with a 0600 key file, and neither could open the other's device key.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAIRWISE_DATA_DIR !== undefined && env.PAIRWISE_DATA_DIR !== '') return env.PAIRWISE_DATA_DIR
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Pairwise Headless')
    case 'win32':
      return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Pairwise Headless')
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'pairwise')
  }
}

export const dataFiles = (dataDir: string) => ({
  registry: join(dataDir, 'pairwise.db'),
  peerStore: join(dataDir, 'peerstore.db'),
  lock: join(dataDir, 'pairwise.lock')
})

/**
 * One process owns a data directory at a time: two writers would race on the
 * identity key and on pairing commits. The lock is a file created exclusively
 * with our pid; a lock left by a process that no longer runs is taken over.
 */
export function acquireDataDirLock(dataDir: string): { release(): void } {
  ensurePrivateDir(dataDir)
  const file = dataFiles(dataDir).lock
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          try {
            unlinkSync(file)
          } catch {
            // Already gone.
          }
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number.parseInt(readFileSafe(file), 10)
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new PairwiseError('data-dir-locked', `Another Pairwise process (pid ${owner}) is using ${dataDir}.`, {
          hint: 'Stop it first (or use the running daemon), or pass a different --data-dir.',
          details: { pid: owner }
        })
      }
      try {
        unlinkSync(file)
      } catch {
        // Someone else cleaned it up first.
      }
    }
  }
  throw new PairwiseError('data-dir-locked', `Could not lock ${dataDir}.`, {
    hint: 'Check that no other Pairwise process is starting at the same time.'
  })
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
