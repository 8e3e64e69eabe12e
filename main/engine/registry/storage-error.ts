// SQLite failures become one error code with a message a person can act on.
// The SQLite text stays in `details` for bug reports; the message stays plain.

import { PairwiseError } from '../../../shared/errors.ts'

interface SqliteFailure {
  code?: unknown
  errcode?: unknown
  errstr?: unknown
  message?: unknown
}

// Primary result codes (the low byte of an extended code), from sqlite3.h.
const SQLITE_BUSY = 5
const SQLITE_READONLY = 8
const SQLITE_IOERR = 10
const SQLITE_CORRUPT = 11
const SQLITE_FULL = 13
const SQLITE_CANTOPEN = 14
const SQLITE_NOTADB = 26

function isSqliteFailure(err: unknown): err is SqliteFailure {
  if (typeof err !== 'object' || err === null) return false
  const code = (err as SqliteFailure).code
  // ERR_INVALID_STATE is what node:sqlite throws once the database is closed.
  return code === 'ERR_SQLITE_ERROR' || code === 'ERR_INVALID_STATE'
}

function describe(primary: number | undefined, closed: boolean): { message: string; hint: string } {
  if (closed) return { message: 'The device registry is closed.', hint: 'Restart Pairwise.' }
  switch (primary) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return {
        message: 'The device registry file is not a Pairwise database or is damaged.',
        hint: 'Move the file aside so Pairwise can start a new registry (paired devices will need to pair again), or restore it from a backup.'
      }
    case SQLITE_BUSY:
      return {
        message: 'The device registry is in use by another program.',
        hint: 'Close other Pairwise windows or daemons using the same data directory, then try again.'
      }
    case SQLITE_FULL:
      return {
        message: 'The disk is full, so the device registry could not be saved.',
        hint: 'Free some disk space and try again.'
      }
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return {
        message: 'The device registry could not be opened for writing.',
        hint: 'Check that the data directory exists and that you own it and its files.'
      }
    case SQLITE_IOERR:
      return {
        message: 'The device registry could not be read or written (a disk error).',
        hint: 'Check the disk, then try again.'
      }
    default:
      return {
        message: 'The device registry could not be read or written.',
        hint: 'Try again; if it keeps happening, restart Pairwise.'
      }
  }
}

/** Passes PairwiseErrors and programming errors through untouched; wraps SQLite failures. */
export function toStorageError(err: unknown): unknown {
  if (err instanceof PairwiseError || !isSqliteFailure(err)) return err
  const errcode = typeof err.errcode === 'number' ? err.errcode : undefined
  const { message, hint } = describe(
    errcode === undefined ? undefined : errcode & 0xff,
    err.code === 'ERR_INVALID_STATE'
  )
  const sqlite = typeof err.errstr === 'string' ? err.errstr : typeof err.message === 'string' ? err.message : 'unknown'
  return new PairwiseError('storage-error', message, {
    hint,
    details: { sqlite, errcode: errcode ?? null },
    cause: err
  })
}

export function storageFailure(message: string, hint: string, details?: Record<string, unknown>): PairwiseError {
  return new PairwiseError('storage-error', message, details === undefined ? { hint } : { hint, details })
}
