import { statfsSync } from 'node:fs'
import { storageFault } from './storage-fault.ts'

// A code shown on a disk with no room left was a dead code: the peer store
// could not record the peers it met while publishing, the joiner heard
// "No device is waiting", and had it got further, the pairing could not have
// been saved. So a new code needs some room first, and says so when there is
// none. The margin is far above what one pairing writes (a few SQLite pages
// in two files) and far below any disk a person still uses.
export const MIN_FREE_BYTES = 1024 * 1024

/** Free bytes for this user on the file system that holds `dir`; undefined where statfs is unavailable. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir)
    return Number(s.bavail) * Number(s.bsize)
  } catch {
    return undefined
  }
}

export function assertRoomToPair(dataDir: string, minFree = MIN_FREE_BYTES): void {
  const free = freeBytes(dataDir)
  if (free === undefined || free >= minFree) return
  throw storageFault('disk-full', 'The data folder', dataDir, {
    message: `The disk holding ${dataDir} is full (${Math.floor(free / 1024)} KiB free): a code shown now could not be published, and the pairing could not be saved.`,
    hint: 'Free some space on that disk, then start pairing again.',
    details: { freeBytes: free, neededBytes: minFree }
  })
}
