import assert from 'node:assert/strict'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { PairwiseError } from '../../../shared/errors.ts'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { FileSecretStore, MemorySecretStore } from './file-secret-store.ts'
import { IDENTITY_FILE, loadOrCreateIdentity } from './identity.ts'
import { fingerprint } from './fingerprint.ts'

const temp = new TempDirs('id')
// A data folder that does not exist yet, as on a first start.
const tempDir = (): string => join(temp.make(), 'data')
const mode = (file: string): number => statSync(file).mode & 0o777

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0
}

describe('device identity and secrets at rest (P10)', () => {
  after(temp.removeAll)

  it('creates the device key once and reuses it: the peer id survives restarts', async () => {
    const dir = tempDir()
    const first = await loadOrCreateIdentity(dir, FileSecretStore.open(dir))
    const second = await loadOrCreateIdentity(dir, FileSecretStore.open(dir))
    assert.equal(first.created, true)
    assert.equal(second.created, false)
    assert.equal(second.peerId, first.peerId)
    assert.match(first.peerId, /^12D3KooW/)
    assert.equal(first.privateKey.type, 'Ed25519')
  })

  it('keeps the key sealed in 0600 files inside a 0700 folder, never in plaintext', async () => {
    const dir = tempDir()
    const identity = await loadOrCreateIdentity(dir, FileSecretStore.open(dir))
    assert.equal(mode(dir), 0o700)
    assert.equal(mode(join(dir, 'secret.key')), 0o600)
    assert.equal(mode(join(dir, IDENTITY_FILE)), 0o600)
    const stored = readFileSync(join(dir, IDENTITY_FILE))
    const raw = privateKeyToProtobuf(identity.privateKey)
    assert.ok(!contains(stored, raw), 'the protobuf key is not on disk')
    assert.ok(!contains(stored, identity.privateKey.raw.subarray(0, 32)), 'the seed is not on disk')
  })

  it('a damaged identity file is a storage error with a plain message, not a crash or a silent new identity', async () => {
    const dir = tempDir()
    await loadOrCreateIdentity(dir, FileSecretStore.open(dir))
    writeFileSync(join(dir, IDENTITY_FILE), Buffer.from('not a sealed key at all'))
    await assert.rejects(
      loadOrCreateIdentity(dir, FileSecretStore.open(dir)),
      (e: unknown) =>
        e instanceof PairwiseError && e.code === 'storage-damaged' && e.message.includes(join(dir, IDENTITY_FILE))
    )
  })

  it('a key sealed by one store cannot be opened by another (a copied data folder without its key file)', async () => {
    const sealed = await new MemorySecretStore().seal(new Uint8Array([1, 2, 3]))
    await assert.rejects(
      new MemorySecretStore().open(sealed),
      (e: unknown) => e instanceof PairwiseError && e.code === 'storage-error'
    )
  })

  it('fingerprints are short, stable and differ between devices', () => {
    const a = fingerprint('12D3KooWA')
    assert.match(a, /^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}$/)
    assert.equal(fingerprint('12D3KooWA'), a)
    assert.notEqual(fingerprint('12D3KooWB'), a)
  })
})
