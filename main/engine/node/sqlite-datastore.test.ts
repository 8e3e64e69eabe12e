import assert from 'node:assert/strict'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { Key } from 'interface-datastore'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { RecordStoreFullError } from './dht-record-store.ts'
import { MAX_DHT_ENTRIES, SqliteDatastore } from './sqlite-datastore.ts'

const temp = new TempDirs('ds')
afterEach(temp.removeAll)

describe('SQLite datastore behind the libp2p peer store', () => {
  it('stores, queries by prefix and survives a reopen', async () => {
    const dir = temp.make()
    const file = join(dir, 'peerstore.db')
    const ds = new SqliteDatastore(file)
    ds.put(new Key('/peers/a'), Uint8Array.of(1))
    ds.put(new Key('/peers/b'), Uint8Array.of(2))
    ds.put(new Key('/peers/b'), Uint8Array.of(3))
    ds.put(new Key('/other/%_x'), Uint8Array.of(4))
    assert.deepEqual(ds.get(new Key('/peers/b')), Uint8Array.of(3))
    assert.equal(ds.has(new Key('/peers/c')), false)
    assert.throws(
      () => ds.get(new Key('/peers/c')),
      (e: Error) => e.name === 'NotFoundError'
    )
    const keys: string[] = []
    for await (const pair of ds.query({ prefix: '/peers' })) keys.push(pair.key.toString())
    assert.deepEqual(keys, ['/peers/a', '/peers/b'])
    ds.delete(new Key('/peers/a'))
    ds.close()

    const reopened = new SqliteDatastore(file)
    assert.equal(reopened.has(new Key('/peers/a')), false)
    assert.deepEqual(reopened.get(new Key('/peers/b')), Uint8Array.of(3))
    assert.deepEqual(reopened.get(new Key('/other/%_x')), Uint8Array.of(4))
    reopened.close()
  })
  it('keeps DHT records in a bounded in-memory store, never on disk; when full it refuses new ones (P8)', async () => {
    const dir = temp.make()
    const file = join(dir, 'peerstore.db')
    const ds = new SqliteDatastore(file)
    for (let i = 0; i < MAX_DHT_ENTRIES; i++) ds.put(new Key(`/dht/record/${i}`), Uint8Array.of(i % 256))
    assert.throws(() => ds.put(new Key(`/dht/record/${MAX_DHT_ENTRIES}`), Uint8Array.of(1)), RecordStoreFullError)
    let count = 0
    for await (const _ of ds.query({ prefix: '/dht' })) count++
    assert.equal(count, MAX_DHT_ENTRIES, 'bounded')
    assert.deepEqual(ds.get(new Key('/dht/record/0')), Uint8Array.of(0), 'the first records were kept, not evicted')
    ds.close()
    const reopened = new SqliteDatastore(file)
    assert.equal(reopened.has(new Key('/dht/record/0')), false, 'not persisted')
    reopened.close()
  })
})
