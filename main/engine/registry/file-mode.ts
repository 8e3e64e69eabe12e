// File-permission policy for the registry database.
//
// The database holds sealed pair keys and the list of trusted devices: other local
// users must not read it (P10) nor swap it. SQLite gives a new -wal/-shm file the
// permission bits of the main database file (unix VFS, findCreateFileMode), so making
// the main file 0600 *before* SQLite opens it is what keeps the sidecars private from
// their first byte — a chmod after open would leave a window where a freshly created
// -wal follows the process umask (often 0644). Node has no per-call umask, hence
// create-with-mode plus chmod rather than changing the process-wide umask, which other
// threads would see. On Windows modes are meaningless; the user profile ACL protects
// the data directory instead.

import fs from 'node:fs'
import path from 'node:path'

export const DATABASE_FILE_MODE = 0o600
export const DATABASE_DIR_MODE = 0o700
export const SIDECAR_SUFFIXES = ['-wal', '-shm', '-journal'] as const

const enforceModes = process.platform !== 'win32'

/** Creates the parent directory (0700) and the database file (0600) if missing; tightens an existing file to 0600. */
export function prepareDatabaseFile(file: string): void {
  // Only a directory we create gets 0700: an existing parent (say, a shared folder the user chose) is theirs to set.
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: DATABASE_DIR_MODE })
  // 'a' creates without truncating; an empty file is a valid new SQLite database.
  fs.closeSync(fs.openSync(file, 'a', DATABASE_FILE_MODE))
  if (enforceModes) fs.chmodSync(file, DATABASE_FILE_MODE)
}

/** Tightens sidecar files left by an older build or another tool; new ones already inherit 0600. */
export function tightenSidecars(file: string): void {
  if (!enforceModes) return
  for (const suffix of SIDECAR_SUFFIXES) {
    try {
      fs.chmodSync(file + suffix, DATABASE_FILE_MODE)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}
