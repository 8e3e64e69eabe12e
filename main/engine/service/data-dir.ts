import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { homedir, platform } from 'node:os'
import { join } from 'node:path'
import { PairwiseError } from '../../../shared/errors.ts'
import { ensurePrivateDir } from '../identity/file-secret-store.ts'
import { processStartTime } from '../storage/process-start.ts'
import { fromFsError, onFile } from '../storage/storage-fault.ts'

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
 * with our pid and, where the OS tells it, our start time; a lock whose
 * process no longer runs — or whose pid now belongs to a process that started
 * later, i.e. a reused pid — is taken over.
 */
export function acquireDataDirLock(dataDir: string): { release(): void } {
  onFile('The data folder', dataDir, () => ensurePrivateDir(dataDir))
  const file = dataFiles(dataDir).lock
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, lockText(process.pid))
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
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fromFsError(err, 'The lock file', file)
      const { pid: owner, start } = parseLock(readFileSafe(file))
      if (owner !== undefined && owner !== process.pid && isAlive(owner) && sameProcess(owner, start)) {
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

function lockText(pid: number): string {
  const start = processStartTime(pid)
  return start === undefined ? String(pid) : `${pid}\n${start}\n`
}

/** Older builds wrote the pid alone; that still parses (and falls back to the pid check). */
export function parseLock(text: string): { pid: number | undefined; start: string | undefined } {
  const [pidText, startText] = text.split('\n')
  const pid = Number.parseInt(pidText ?? '', 10)
  const start = startText?.trim()
  return {
    pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    start: start !== undefined && /^\d+$/.test(start) ? start : undefined
  }
}

/** The live `pid` is the process that wrote the lock, as far as this OS can tell. */
function sameProcess(pid: number, recordedStart: string | undefined): boolean {
  if (recordedStart === undefined) return true
  const now = processStartTime(pid)
  return now === undefined || now === recordedStart
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
