// Schema history. Each entry moves the database from version i to i+1 (PRAGMA
// user_version); the pending steps run inside one transaction, so a crash mid-migration
// leaves the old version intact and the steps simply run again on the next open. Never edit a
// shipped step: append a new one. (A step that rebuilds a table must not rely on
// foreign_keys being off: the pragma cannot change inside a transaction.)

import type { DatabaseSync } from 'node:sqlite'
import { storageFault } from '../storage/storage-fault.ts'
import { REGISTRY_WHAT } from './storage-error.ts'

/** 'PWRG' — marks the file as ours, so we never migrate some other program's database. */
export const APPLICATION_ID = 0x50575247

export const MIGRATIONS: readonly string[] = [
  `
  PRAGMA application_id = ${APPLICATION_ID};

  CREATE TABLE this_device (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    peer_id TEXT NOT NULL CHECK (length(peer_id) > 0),
    name TEXT NOT NULL,
    os TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE devices (
    peer_id TEXT PRIMARY KEY NOT NULL CHECK (length(peer_id) > 0),
    name TEXT NOT NULL,
    os TEXT NOT NULL,
    app_version TEXT NOT NULL,
    paired_at INTEGER NOT NULL,
    last_seen INTEGER,
    addresses TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(addresses) AND json_type(addresses) = 'array'),
    pair_key_sealed BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('paired', 'pending-confirmation', 'revoked', 'removed-by-peer')),
    revoked_at INTEGER,
    updated_at INTEGER NOT NULL,
    -- A revoked device without a time (or a trusted one with one) would mean a half-applied change.
    CHECK ((status IN ('revoked', 'removed-by-peer')) = (revoked_at IS NOT NULL))
  ) STRICT;
  CREATE INDEX devices_by_status ON devices (status);
  CREATE INDEX devices_by_paired_at ON devices (paired_at DESC);

  -- Audit log. Plain facts only: never keys, codes or sealed blobs.
  -- AUTOINCREMENT keeps ids increasing even if old events are pruned, so "newest first" stays true.
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    peer_id TEXT,
    reason TEXT,
    details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
  ) STRICT;
  CREATE INDEX events_by_kind ON events (kind);
  CREATE INDEX events_by_peer ON events (peer_id);

  -- Revocation notices still owed to a peer (P9: "now or at next contact").
  -- No ON DELETE CASCADE: forgetting a device must not silently drop a notice still owed.
  CREATE TABLE revocation_outbox (
    peer_id TEXT PRIMARY KEY NOT NULL REFERENCES devices (peer_id),
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at INTEGER,
    delivered_at INTEGER
  ) STRICT;
  `,
  `
  -- Pairwise nodes this person added (Settings): bootstrap, DHT and relay for other networks.
  CREATE TABLE nodes (
    address TEXT PRIMARY KEY NOT NULL CHECK (length(address) BETWEEN 1 AND 512),
    added_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- The person's settings (app-settings.ts): one JSON value per key; a key not here has its default.
  CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    value TEXT NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL
  ) STRICT;
  `
]

export const SCHEMA_VERSION = MIGRATIONS.length

function pragmaNumber(db: DatabaseSync, name: 'user_version' | 'application_id'): number {
  const row = db.prepare(`PRAGMA ${name}`).get()
  const value = row?.[name]
  return typeof value === 'number' ? value : 0
}

function tooNew(version: number, file: string): Error {
  return storageFault('foreign', REGISTRY_WHAT, file, {
    message: `The device registry (${file}) was written by a newer version of Pairwise (schema ${version}; this version understands up to ${SCHEMA_VERSION}).`,
    hint: 'Update Pairwise, or point this version at a different data directory.',
    details: { schemaVersion: version, supportedVersion: SCHEMA_VERSION }
  })
}

function notOurs(file: string): Error {
  return storageFault('foreign', REGISTRY_WHAT, file)
}

function assertOurs(db: DatabaseSync, version: number, file: string): void {
  const appId = pragmaNumber(db, 'application_id')
  if (appId !== 0 && appId !== APPLICATION_ID) throw notOurs(file)
  if (version === 0 && appId === 0) {
    const foreign = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get()
    if (foreign?.n !== 0) throw notOurs(file)
  }
}

/**
 * Brings the database to SCHEMA_VERSION. Safe to call on every open and from two processes at once.
 * Every pending step runs in one transaction: a new device's registry is created with one durable
 * commit (one WAL sync) instead of one per step, and a crash still leaves the old version intact.
 */
export function migrate(db: DatabaseSync, file: string): void {
  const seen = pragmaNumber(db, 'user_version')
  if (seen > SCHEMA_VERSION) throw tooNew(seen, file)
  assertOurs(db, seen, file)
  if (seen === SCHEMA_VERSION) return
  db.exec('BEGIN IMMEDIATE')
  try {
    // Re-read under the write lock: another process may have migrated since we looked.
    const version = pragmaNumber(db, 'user_version')
    if (version > SCHEMA_VERSION) throw tooNew(version, file)
    assertOurs(db, version, file)
    for (let step = version; step < SCHEMA_VERSION; step++) db.exec(MIGRATIONS[step] as string)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
    db.exec('COMMIT')
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw err
  }
}
