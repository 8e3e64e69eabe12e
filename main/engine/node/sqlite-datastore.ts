import { peerIdFromString } from '@libp2p/peer-id'
import { BaseDatastore } from 'datastore-core'
import { Key, type Pair, type Query, type KeyQuery } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { StorageWarning } from '../../../shared/api.ts'
import { sqliteErrorCause } from '../registry/storage-error.ts'
import { DHT_PREFIX, DhtRecordStore } from './dht-record-store.ts'
import { openPeerStoreFile } from './peer-store-file.ts'

// libp2p keeps its peer store (addresses, protocols, keys of peers it met) in
// a datastore. Backing it with a SQLite file — the same engine as the
// registry, no native build — lets a restarted device dial its paired peers
// at once from the addresses it knew.
//
// DHT records (under /dht/) are another matter: any stranger may store one
// with us, pairing records are worthless after minutes, and kad-dht never
// deletes a record nobody asks for. They live in a bounded in-memory store
// instead (see dht-record-store.ts), so strangers can neither fill the disk
// nor grow memory without limit (P8).
//
// Peer records are bounded too: every stranger that ever connected used to
// stay forever (1,100 attackers took the file from 4 KB to 143 KB). Past
// MAX_STORED_PEERS the least recently written stranger is dropped; the
// devices `keep` names (paired, revoked) never are.
//
// The file is a cache: a write the disk refuses (full, read-only since)
// is kept in memory for this run instead of failing libp2p mid-dial, and
// the service is told once (`onWarning`).
export const MAX_DHT_ENTRIES = 4096
export const MAX_STORED_PEERS = 1024
const PEERS_PREFIX = '/peers/'

export interface SqliteDatastoreOptions {
  maxDhtEntries?: number
  maxStoredPeers?: number
  /** Peer ids whose records are never evicted (the registry's devices). */
  keep?: () => Iterable<string>
  onWarning?: (warning: StorageWarning) => void
}

export class SqliteDatastore extends BaseDatastore {
  readonly #db: DatabaseSync
  readonly #file: string
  readonly #dht: DhtRecordStore
  readonly #maxPeers: number
  readonly #keep: () => Iterable<string>
  readonly #onWarning: (warning: StorageWarning) => void
  /** Writes the disk refused this run (bounded like the file: same cap). */
  readonly #unsaved = new Map<string, Uint8Array>()
  #peerCount: number
  #writeFault: StorageWarning | undefined
  // The peer store writes on every connection and identify: preparing each
  // statement once was measured to cut datastore time per pairing by 40 %.
  readonly #statements = new Map<string, StatementSync>()

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql)
    if (statement === undefined) {
      statement = this.#db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  constructor(file: string, options: SqliteDatastoreOptions = {}) {
    super()
    this.#file = file
    this.#dht = new DhtRecordStore(options.maxDhtEntries ?? MAX_DHT_ENTRIES)
    this.#maxPeers = options.maxStoredPeers ?? MAX_STORED_PEERS
    this.#keep = options.keep ?? (() => [])
    this.#onWarning = options.onWarning ?? (() => undefined)
    this.#db = openPeerStoreFile(file, this.#onWarning)
    this.#peerCount = Number(
      this.#prepare('SELECT count(*) AS n FROM kv WHERE k >= ? AND k < ?').get(PEERS_PREFIX, PEERS_PREFIX + '\uffff')
        ?.n ?? 0
    )
  }

  /** The refused write of this run, if the disk refuses writes (cleared by the next write that succeeds). */
  get writeFault(): StorageWarning | undefined {
    return this.#writeFault
  }

  override put(key: Key, value: Uint8Array): Key {
    const k = key.toString()
    if (k.startsWith(DHT_PREFIX)) {
      this.#dht.put(k, value)
      return key
    }
    try {
      const now = Date.now()
      const updated = this.#prepare('UPDATE kv SET v = ?, at = ? WHERE k = ?').run(value, now, k).changes
      if (Number(updated) === 0) {
        this.#prepare('INSERT INTO kv (k, v, at) VALUES (?, ?, ?)').run(k, value, now)
        if (k.startsWith(PEERS_PREFIX) && ++this.#peerCount > this.#maxPeers) this.#evictStrangers()
      }
      this.#unsaved.delete(k)
      this.#writeFault = undefined
    } catch (err) {
      this.#keepInMemory(k, value, err)
    }
    return key
  }

  override get(key: Key): Uint8Array {
    const k = key.toString()
    if (k.startsWith(DHT_PREFIX)) {
      const value = this.#dht.get(k)
      if (value === undefined) throw new NotFoundError(`no value for ${k}`)
      return value
    }
    const unsaved = this.#unsaved.get(k)
    if (unsaved !== undefined) return unsaved.slice()
    const row = this.#prepare('SELECT v FROM kv WHERE k = ?').get(k) as { v: Uint8Array } | undefined
    if (row === undefined) throw new NotFoundError(`no value for ${k}`)
    return new Uint8Array(row.v)
  }

  override has(key: Key): boolean {
    const k = key.toString()
    if (k.startsWith(DHT_PREFIX)) return this.#dht.has(k)
    return this.#unsaved.has(k) || this.#prepare('SELECT 1 FROM kv WHERE k = ?').get(k) !== undefined
  }

  override delete(key: Key): void {
    const k = key.toString()
    if (this.#dht.delete(k)) return
    this.#unsaved.delete(k)
    try {
      if (Number(this.#prepare('DELETE FROM kv WHERE k = ?').run(k).changes) > 0 && k.startsWith(PEERS_PREFIX))
        this.#peerCount--
    } catch (err) {
      // A stale cache entry is harmless; a disk that refuses writes is reported by put.
      if (sqliteErrorCause(err) === undefined) throw err
    }
  }

  override *_all(q: Query): Generator<Pair> {
    for (const row of this.#rows(q.prefix)) {
      const pair = { key: new Key(row.k), value: new Uint8Array(row.v) }
      if ((q.filters ?? []).every((f) => f(pair))) yield pair
    }
  }

  override *_allKeys(q: KeyQuery): Generator<Key> {
    for (const row of this.#rows(q.prefix)) {
      const key = new Key(row.k)
      if ((q.filters ?? []).every((f) => f(key))) yield key
    }
  }

  #rows(prefix: string | undefined): Array<{ k: string; v: Uint8Array }> {
    const fromMemory = [...this.#dht.entries(prefix)].map(([k, v]) => ({ k, v }))
    if (prefix !== undefined && prefix.startsWith(DHT_PREFIX.slice(0, -1))) return fromMemory
    const unsaved = [...this.#unsaved]
      .filter(([k]) => prefix === undefined || k.startsWith(prefix))
      .map(([k, v]) => ({ k, v }))
    const disk = this.#diskRows(prefix).filter((row) => !this.#unsaved.has(row.k))
    return [...disk, ...unsaved, ...fromMemory]
  }

  #diskRows(prefix: string | undefined): Array<{ k: string; v: Uint8Array }> {
    if (prefix === undefined || prefix === '/')
      return this.#prepare('SELECT k, v FROM kv ORDER BY k').all() as Array<{ k: string; v: Uint8Array }>
    // Range scan instead of LIKE: keys may contain % or _.
    return this.#prepare('SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k').all(
      prefix,
      prefix + '\uffff'
    ) as Array<{ k: string; v: Uint8Array }>
  }

  /** Drops the least recently written peer records that `keep` does not name, down to the cap. */
  #evictStrangers(): void {
    const excess = this.#peerCount - this.#maxPeers
    const kept = new Set<string>()
    for (const peerId of this.#keep()) {
      try {
        kept.add(PEERS_PREFIX + peerIdFromString(peerId).toCID().toString())
      } catch {
        // Not a peer id libp2p can key: it has no record to protect.
      }
    }
    const oldest = this.#prepare('SELECT k FROM kv WHERE k >= ? AND k < ? ORDER BY at, k LIMIT ?').all(
      PEERS_PREFIX,
      PEERS_PREFIX + '\uffff',
      excess + kept.size
    ) as Array<{ k: string }>
    let dropped = 0
    for (const { k } of oldest) {
      if (dropped >= excess) break
      if (kept.has(k)) continue
      this.#prepare('DELETE FROM kv WHERE k = ?').run(k)
      dropped++
    }
    this.#peerCount -= dropped
  }

  #keepInMemory(k: string, value: Uint8Array, err: unknown): void {
    const cause = sqliteErrorCause(err)
    if (cause === undefined) throw err
    if (this.#unsaved.size >= this.#maxPeers && !this.#unsaved.has(k)) {
      const first = this.#unsaved.keys().next().value
      if (first !== undefined) this.#unsaved.delete(first)
    }
    this.#unsaved.set(k, value.slice())
    if (this.#writeFault !== undefined) return
    this.#writeFault = {
      code: cause === 'disk-full' ? 'peer-store-full' : 'peer-store-unwritable',
      file: this.#file,
      message:
        cause === 'disk-full'
          ? `The disk is full: the peer store ${this.#file} cannot be saved; peer addresses are kept in memory for now.`
          : `The peer store ${this.#file} cannot be written (${cause}); peer addresses are kept in memory for now.`
    }
    this.#onWarning(this.#writeFault)
  }

  close(): void {
    this.#db.close()
  }
}
