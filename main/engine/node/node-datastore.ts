import { BaseDatastore } from 'datastore-core'
import { Key, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import { DHT_PREFIX, DhtRecordStore } from './dht-record-store.ts'

// A `pairwise node`'s datastore: nothing of it needs to survive a restart
// (devices republish, peers reconnect), so it is memory only — but the DHT
// records strangers store with it are bounded (see dht-record-store.ts).

export const NODE_MAX_DHT_RECORDS = 16_384

export class NodeDatastore extends BaseDatastore {
  readonly records: DhtRecordStore
  readonly #other = new Map<string, Uint8Array>()

  constructor(maxRecords = NODE_MAX_DHT_RECORDS) {
    super()
    this.records = new DhtRecordStore(maxRecords)
  }

  override put(key: Key, value: Uint8Array): Key {
    const k = key.toString()
    if (k.startsWith(DHT_PREFIX)) this.records.put(k, value)
    else this.#other.set(k, value.slice())
    return key
  }

  override get(key: Key): Uint8Array {
    const k = key.toString()
    const value = k.startsWith(DHT_PREFIX) ? this.records.get(k) : this.#other.get(k)?.slice()
    if (value === undefined) throw new NotFoundError(`no value for ${k}`)
    return value
  }

  override has(key: Key): boolean {
    const k = key.toString()
    return k.startsWith(DHT_PREFIX) ? this.records.has(k) : this.#other.has(k)
  }

  override delete(key: Key): void {
    const k = key.toString()
    if (!this.records.delete(k)) this.#other.delete(k)
  }

  override *_all(q: Query): Generator<Pair> {
    for (const [k, value] of this.#pairs(q.prefix)) {
      const pair = { key: new Key(k), value }
      if ((q.filters ?? []).every((f) => f(pair))) yield pair
    }
  }

  override *_allKeys(q: KeyQuery): Generator<Key> {
    for (const [k] of this.#pairs(q.prefix)) {
      const key = new Key(k)
      if ((q.filters ?? []).every((f) => f(key))) yield key
    }
  }

  *#pairs(prefix: string | undefined): Generator<[string, Uint8Array]> {
    yield* this.records.entries(prefix)
    for (const [k, v] of this.#other) if (prefix === undefined || k.startsWith(prefix)) yield [k, v.slice()]
  }
}
