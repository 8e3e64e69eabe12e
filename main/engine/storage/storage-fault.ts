import { PairwiseError, type ErrorCode } from '../../../shared/errors.ts'

// One vocabulary for everything that can go wrong with the files in the data
// folder, whichever layer noticed it (node:fs, SQLite, the sealed-key box).
// Each cause has its own error code and hint, and every error names the file:
// "storage error" alone left people guessing which of five files, and why.

export type StorageCause =
  | 'read-only' // EROFS, EACCES, EPERM, SQLITE_READONLY
  | 'disk-full' // ENOSPC, EDQUOT, EFBIG, SQLITE_FULL
  | 'damaged' // not what Pairwise wrote: garbage, truncated, SQLITE_CORRUPT/NOTADB
  | 'foreign' // another program's database, or a newer Pairwise's
  | 'missing' // once held by this folder, now gone or empty
  | 'busy' // locked by another program
  | 'io' // the disk itself failed (EIO, SQLITE_IOERR)
  | 'other'

export const CODE_FOR_CAUSE: Record<StorageCause, ErrorCode> = {
  'read-only': 'storage-read-only',
  'disk-full': 'storage-full',
  damaged: 'storage-damaged',
  foreign: 'storage-foreign',
  missing: 'storage-missing',
  busy: 'storage-error',
  io: 'storage-error',
  other: 'storage-error'
}

const HINT_FOR_CAUSE: Record<StorageCause, string> = {
  'read-only':
    'Make the data folder and its files writable by this user (check the disk is not mounted read-only), then try again.',
  'disk-full': 'Free some space on the disk that holds the data folder, then try again.',
  damaged:
    'Restore the file from a backup. To start over as a new device instead, move the whole data folder aside (paired devices then need to pair again).',
  foreign: 'Choose a different --data-dir, or move that file aside.',
  missing:
    'Restore the file from a backup. To start over as a new device instead, move the whole data folder aside (paired devices then need to pair again).',
  busy: 'Close other programs using the data folder, then try again.',
  io: 'Check the disk, then try again.',
  other: 'Try again; if it keeps happening, restart Pairwise.'
}

/** What a person reads for each cause; `what` names the file's role ("The device registry"). */
function sentence(cause: StorageCause, what: string, file: string): string {
  switch (cause) {
    case 'read-only':
      return `${what} (${file}) cannot be written: the file or its folder is read-only.`
    case 'disk-full':
      return `${what} (${file}) could not be saved: the disk is full.`
    case 'damaged':
      return `${what} (${file}) is damaged or is not a Pairwise file.`
    case 'foreign':
      return `${what} (${file}) belongs to another program.`
    case 'missing':
      return `${what} (${file}) is missing or empty, although this data folder held it before. Pairwise will not silently start over: that would drop every pairing.`
    case 'busy':
      return `${what} (${file}) is locked by another program.`
    case 'io':
      return `${what} (${file}) could not be read or written: a disk error.`
    case 'other':
      return `${what} (${file}) could not be read or written.`
  }
}

export function storageFault(
  cause: StorageCause,
  what: string,
  file: string,
  options: { message?: string; hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}
): PairwiseError {
  return new PairwiseError(CODE_FOR_CAUSE[cause], options.message ?? sentence(cause, what, file), {
    hint: options.hint ?? HINT_FOR_CAUSE[cause],
    details: { ...options.details, file, cause },
    ...(options.cause === undefined ? {} : { cause: options.cause })
  })
}

/** The cause behind a node:fs error code; undefined for codes that are not about storage. */
export function errnoCause(errno: unknown): StorageCause | undefined {
  switch (errno) {
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'read-only'
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'disk-full'
    case 'EIO':
      return 'io'
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ELOOP':
      return 'damaged'
    default:
      return undefined
  }
}

/** Turns a node:fs error about `file` into a storage fault; anything else passes through. */
export function fromFsError(err: unknown, what: string, file: string): unknown {
  if (err instanceof PairwiseError) return err
  const errno = (err as NodeJS.ErrnoException | null)?.code
  const cause = errnoCause(errno)
  if (cause === undefined) return err
  return storageFault(cause, what, file, { details: { errno }, cause: err })
}

/** Runs a file operation; node:fs failures come out as storage faults naming the file. */
export function onFile<T>(what: string, file: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw fromFsError(err, what, file)
  }
}
