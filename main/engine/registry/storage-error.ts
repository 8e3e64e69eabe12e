// SQLite failures become storage faults (see ../storage/storage-fault.ts): a
// code per cause, a message that names the file, a hint a person can act on.
// The SQLite text stays in `details` for bug reports; the message stays plain.

import { PairwiseError } from '../../../shared/errors.ts'
import { storageFault, type StorageCause } from '../storage/storage-fault.ts'

interface SqliteFailure {
  code?: unknown
  errcode?: unknown
  errstr?: unknown
  message?: unknown
}

// Primary result codes (the low byte of an extended code), from sqlite3.h.
const SQLITE_PERM = 3
const SQLITE_BUSY = 5
const SQLITE_LOCKED = 6
const SQLITE_READONLY = 8
const SQLITE_IOERR = 10
const SQLITE_CORRUPT = 11
const SQLITE_FULL = 13
const SQLITE_CANTOPEN = 14
const SQLITE_NOTADB = 26

export const REGISTRY_WHAT = 'The device registry'

function isSqliteFailure(err: unknown): err is SqliteFailure {
  if (typeof err !== 'object' || err === null) return false
  const code = (err as SqliteFailure).code
  // ERR_INVALID_STATE is what node:sqlite throws once the database is closed.
  return code === 'ERR_SQLITE_ERROR' || code === 'ERR_INVALID_STATE'
}

export function sqliteCause(primary: number | undefined): StorageCause {
  switch (primary) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return 'damaged'
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return 'busy'
    case SQLITE_FULL:
      return 'disk-full'
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return 'read-only'
    case SQLITE_IOERR:
      return 'io'
    default:
      return 'other'
  }
}

/** The storage cause of a SQLite error, or undefined when `err` is not one. */
export function sqliteErrorCause(err: unknown): StorageCause | undefined {
  if (!isSqliteFailure(err) || err.code !== 'ERR_SQLITE_ERROR') return undefined
  return sqliteCause(typeof err.errcode === 'number' ? err.errcode & 0xff : undefined)
}

/** Passes PairwiseErrors and programming errors through untouched; wraps SQLite failures about `file`. */
export function toStorageError(err: unknown, file: string, what = REGISTRY_WHAT): unknown {
  if (err instanceof PairwiseError || !isSqliteFailure(err)) return err
  const sqlite = typeof err.errstr === 'string' ? err.errstr : typeof err.message === 'string' ? err.message : 'unknown'
  if (err.code === 'ERR_INVALID_STATE') return closed(file)
  const errcode = typeof err.errcode === 'number' ? err.errcode : undefined
  const cause = sqliteCause(errcode === undefined ? undefined : errcode & 0xff)
  return storageFault(cause, what, file, { details: { sqlite, errcode: errcode ?? null }, cause: err })
}

export function closed(file: string): PairwiseError {
  return new PairwiseError('storage-error', 'The device registry is closed.', {
    hint: 'Restart Pairwise.',
    details: { file, cause: 'closed' }
  })
}

export function storageFailure(message: string, hint: string, details?: Record<string, unknown>): PairwiseError {
  return new PairwiseError('storage-error', message, details === undefined ? { hint } : { hint, details })
}
