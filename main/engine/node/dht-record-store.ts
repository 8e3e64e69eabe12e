import { Libp2pRecord } from '@libp2p/record'
import { advertisementHolder } from './advertisement.ts'

// The DHT records this device or node holds for others, in memory, bounded.
// Anyone can mint valid /pairwise records (a fresh code key and peer id per
// record, ~1 ms each), and kad-dht stores whatever passes the validator for
// 48 h. So:
//   - provider records are refused outright: Pairwise never uses them;
//   - one advertiser (peer id) holds at most a few records: a device shows
//     one code at a time, so its newest record replaces its own oldest;
//   - a record is dropped once its code expired (plus the grace window in
//     which joiners still hear "expired");
//   - when full, expired records go first and then a new record is REFUSED:
//     junk can delay a new code's publishing, but never evicts a live record
//     a person is about to join with.

export const DHT_PREFIX = '/dht/'
const RECORD_PREFIX = '/dht/record/'
const PROVIDER_PREFIX = '/dht/provider/'
const MAX_RECORDS_PER_ADVERTISER = 4

export class RecordStoreFullError extends Error {
  constructor(why: string) {
    super(`DHT record refused: ${why}`)
    this.name = 'RecordStoreFullError'
  }
}

interface Entry {
  value: Uint8Array
  peer: string | undefined
  servedUntil: number
}

export class DhtRecordStore {
  readonly #entries = new Map<string, Entry>()
  readonly #byPeer = new Map<string, number>()
  readonly #max: number
  readonly #now: () => number
  refused = 0

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.#max = maxEntries
    this.#now = now
  }

  get size(): number {
    return this.#entries.size
  }

  put(key: string, value: Uint8Array): void {
    if (key.startsWith(PROVIDER_PREFIX)) return this.#refuse('provider records are not kept here')
    const holder = key.startsWith(RECORD_PREFIX) ? holderOf(value) : undefined
    const existing = this.#entries.get(key)
    if (existing === undefined) {
      if (holder !== undefined && (this.#byPeer.get(holder.peer) ?? 0) >= MAX_RECORDS_PER_ADVERTISER) {
        // A device shows one code at a time: its newest record supersedes its oldest. (Never someone else's.)
        this.#dropOldestOf(holder.peer)
      }
      if (this.#entries.size >= this.#max) this.#dropExpired()
      if (this.#entries.size >= this.#max) return this.#refuse('the record store is full')
    } else {
      this.#forget(key, existing)
    }
    const entry: Entry = {
      value: value.slice(),
      peer: holder?.peer,
      servedUntil: holder?.servedUntil ?? Number.POSITIVE_INFINITY
    }
    this.#entries.set(key, entry)
    if (entry.peer !== undefined) this.#byPeer.set(entry.peer, (this.#byPeer.get(entry.peer) ?? 0) + 1)
  }

  get(key: string): Uint8Array | undefined {
    return this.#entries.get(key)?.value.slice()
  }

  has(key: string): boolean {
    return this.#entries.has(key)
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key)
    if (entry === undefined) return false
    this.#forget(key, entry)
    return true
  }

  *entries(prefix: string | undefined): Generator<[string, Uint8Array]> {
    for (const [key, entry] of this.#entries)
      if (prefix === undefined || key.startsWith(prefix)) yield [key, entry.value.slice()]
  }

  #forget(key: string, entry: Entry): void {
    this.#entries.delete(key)
    if (entry.peer === undefined) return
    const left = (this.#byPeer.get(entry.peer) ?? 1) - 1
    if (left <= 0) this.#byPeer.delete(entry.peer)
    else this.#byPeer.set(entry.peer, left)
  }

  #dropOldestOf(peer: string): void {
    for (const [key, entry] of this.#entries) {
      if (entry.peer === peer) return this.#forget(key, entry)
    }
  }

  #dropExpired(): void {
    const now = this.#now()
    for (const [key, entry] of this.#entries) if (entry.servedUntil <= now) this.#forget(key, entry)
  }

  #refuse(why: string): never {
    this.refused++
    throw new RecordStoreFullError(why)
  }
}

function holderOf(value: Uint8Array): { peer: string; servedUntil: number } | undefined {
  try {
    return advertisementHolder(Libp2pRecord.deserialize(value).value)
  } catch {
    return undefined
  }
}
