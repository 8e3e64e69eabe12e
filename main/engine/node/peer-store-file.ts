import { renameSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import type { StorageWarning } from '../../../shared/api.ts'
import { prepareDatabaseFile, SIDECAR_SUFFIXES, tightenSidecars } from '../registry/file-mode.ts'
import { sqliteErrorCause, toStorageError } from '../registry/storage-error.ts'
import { fromFsError, onFile } from '../storage/storage-fault.ts'

// Opening peerstore.db. Unlike the registry it is only a cache (addresses and
// protocols of peers met before; every entry is learnt again on the next
// contact), so a damaged file must never stop the device: it is moved aside —
// kept for a bug report, not deleted — and a new one is started, with a
// warning. Read-only and full disks are not damage: those stay named errors.

export const PEER_STORE_WHAT = 'The peer store (a cache of peer addresses)'

const SCHEMA = `
  PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
  CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB NOT NULL, at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
`

function openOnce(file: string): DatabaseSync {
  onFile(PEER_STORE_WHAT, file, () => prepareDatabaseFile(file))
  const db = new DatabaseSync(file)
  try {
    db.exec(SCHEMA)
    // Files from before the stranger cap have no `at` column; it orders evictions.
    const columns = db.prepare('PRAGMA table_info(kv)').all()
    if (!columns.some((c) => c.name === 'at')) db.exec('ALTER TABLE kv ADD COLUMN at INTEGER NOT NULL DEFAULT 0')
    // A header can look fine over damaged pages; a quick check on a small cache costs little.
    const check = db.prepare('PRAGMA quick_check(1)').get()
    if (check?.quick_check !== 'ok') throw Object.assign(new Error('quick_check failed'), { damaged: true })
    tightenSidecars(file)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

function isDamage(err: unknown): boolean {
  return (err as { damaged?: unknown } | null)?.damaged === true || sqliteErrorCause(err) === 'damaged'
}

/** Opens (or rebuilds) the peer store file; calls `onWarning` when it had to move a damaged one aside. */
export function openPeerStoreFile(file: string, onWarning: (w: StorageWarning) => void): DatabaseSync {
  try {
    return openOnce(file)
  } catch (err) {
    if (!isDamage(err)) throw toStorageError(fromFsError(err, PEER_STORE_WHAT, file), file, PEER_STORE_WHAT)
  }
  const aside = `${file}.damaged-${Date.now()}`
  for (const suffix of ['', ...SIDECAR_SUFFIXES]) {
    try {
      renameSync(file + suffix, aside + suffix)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(err, PEER_STORE_WHAT, file + suffix)
    }
  }
  onWarning({
    code: 'peer-store-rebuilt',
    file,
    message: `The peer store ${file} was damaged; it was moved to ${aside} and started afresh. Nothing is lost: it only caches addresses of peers, which are learnt again.`
  })
  try {
    return openOnce(file)
  } catch (err) {
    throw toStorageError(fromFsError(err, PEER_STORE_WHAT, file), file, PEER_STORE_WHAT)
  }
}
