import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'

// Secret files are replaced, never rewritten in place: a kill at any moment
// leaves either the old file or the new one, both complete.
export function writeFileAtomic(file: string, data: Uint8Array, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(tmp, file)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {
      // Best effort.
    }
    throw err
  }
  if (process.platform !== 'win32') {
    const dirFd = openSync(dirname(file), 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  }
}

export function readFileIfExists(file: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(file))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
