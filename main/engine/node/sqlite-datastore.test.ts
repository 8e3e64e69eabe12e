import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
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

  it('is private to this user (0600), sidecars included', () => {
    const file = join(temp.make(), 'peerstore.db')
    const ds = new SqliteDatastore(file)
    ds.put(new Key('/peers/x'), Uint8Array.of(1))
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      if (existsSync(f)) assert.equal(statSync(f).mode & 0o777, 0o600, f)
    }
    assert.ok(existsSync(`${file}-wal`), 'WAL mode: the sidecar existed and was checked')
    ds.close()
  })

  it('keeps at most maxStoredPeers peer records, never evicting the devices it is told to keep', async () => {
    const file = join(temp.make(), 'peerstore.db')
    const ids = await Promise.all(
      Array.from({ length: 21 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    )
    const kept = ids[0]!
    const ds = new SqliteDatastore(file, { maxStoredPeers: 8, keep: () => [kept.toString()] })
    const keyOf = (id: (typeof ids)[number]): Key => new Key(`/peers/${id.toCID().toString()}`)
    // The kept device is the oldest entry: the first an unbounded LRU would drop.
    for (const id of ids) ds.put(keyOf(id), Uint8Array.of(1))
    let count = 0
    for await (const _ of ds.queryKeys({ prefix: '/peers/' })) count++
    assert.equal(count, 8)
    assert.ok(ds.has(keyOf(kept)), 'a paired device is never evicted')
    assert.ok(ds.has(keyOf(ids[20]!)), 'the newest stranger is kept')
    assert.ok(!ds.has(keyOf(ids[1]!)), 'the oldest stranger is gone')
    ds.close()
  })

  it('a damaged file is moved aside and rebuilt, with one warning', () => {
    const dir = temp.make()
    const file = join(dir, 'peerstore.db')
    writeFileSync(file, Buffer.from('garbage, not SQLite '.repeat(200)))
    const warnings: string[] = []
    const ds = new SqliteDatastore(file, { onWarning: (w) => warnings.push(w.code) })
    ds.put(new Key('/peers/a'), Uint8Array.of(1))
    assert.deepEqual(warnings, ['peer-store-rebuilt'])
    assert.ok(readdirSync(dir).some((f) => f.startsWith('peerstore.db.damaged-')))
    ds.close()
  })
})
