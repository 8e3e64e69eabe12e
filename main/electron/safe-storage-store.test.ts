import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, test } from 'node:test'
import { SEALING_KEY_FILE, SafeStorageSecretStore } from './safe-storage-store.ts'
import { FakeSafeStorage } from '../../test-support/electron/fake-safe-storage.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const temp = new TempDirs('safe-storage')
const tempDir = (): string => temp.make()
afterEach(temp.removeAll)

const secret = new TextEncoder().encode('an Ed25519 private key, say')

test('seal and open round-trip, also after a restart', async () => {
  const dir = tempDir()
  const safeStorage = new FakeSafeStorage()
  const store = await SafeStorageSecretStore.open(dir, safeStorage)
  assert.equal(store.protection, 'os-keystore')
  const sealed = await store.seal(secret)
  assert.notDeepEqual(sealed, secret)
  assert.deepEqual(await store.open(sealed), secret)

  const reopened = await SafeStorageSecretStore.open(dir, safeStorage)
  assert.deepEqual(await reopened.open(sealed), secret)
  for (const call of ['isAsyncEncryptionAvailable', 'encryptStringAsync', 'decryptStringAsync'])
    assert.ok(safeStorage.calls.includes(call), `the async API is preferred: ${call}`)
  assert.ok(!safeStorage.calls.includes('isEncryptionAvailable'))
})

test(
  'the sealing key file is 0600 and holds no plaintext key',
  { skip: process.platform === 'win32' && 'POSIX modes' },
  async () => {
    const dir = tempDir()
    await SafeStorageSecretStore.open(dir, new FakeSafeStorage())
    const file = path.join(dir, SEALING_KEY_FILE)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    const onDisk = readFileSync(file)
    assert.ok(onDisk.length > 32)
    assert.doesNotMatch(onDisk.toString('latin1'), /^[A-Za-z0-9+/]{43}=$/)
  }
)

test('without the async API the sync one is used', async () => {
  const dir = tempDir()
  const safeStorage = new FakeSafeStorage({ asyncApi: false })
  const store = await SafeStorageSecretStore.open(dir, safeStorage)
  const sealed = await store.seal(secret)
  assert.deepEqual(await (await SafeStorageSecretStore.open(dir, safeStorage)).open(sealed), secret)
  assert.deepEqual([...new Set(safeStorage.calls)].sort(), ['decryptString', 'encryptString', 'isEncryptionAvailable'])
})

test('Linux basic_text backend is reported as basic-text', async () => {
  const store = await SafeStorageSecretStore.open(tempDir(), new FakeSafeStorage({ backend: 'basic_text' }))
  assert.equal(store.protection, 'basic-text')
})

test('unavailable encryption refuses to start with a clear error', async () => {
  for (const asyncApi of [true, false]) {
    const dir = tempDir()
    await assert.rejects(
      SafeStorageSecretStore.open(dir, new FakeSafeStorage({ available: false, asyncApi })),
      (err: Error & { code?: string; hint?: string }) => {
        assert.equal(err.code, 'storage-error')
        assert.match(err.message, /system keystore is not available/)
        assert.match(err.hint ?? '', /pairwise daemon --ui/)
        return true
      }
    )
    assert.throws(() => statSync(path.join(dir, SEALING_KEY_FILE)), /ENOENT/, 'nothing is written')
  }
})

test('a keystore that cannot decrypt the key is an error, never a silent new key', async () => {
  const dir = tempDir()
  const safeStorage = new FakeSafeStorage()
  await SafeStorageSecretStore.open(dir, safeStorage)
  const before = readFileSync(path.join(dir, SEALING_KEY_FILE))
  safeStorage.resetKeystore()
  await assert.rejects(
    SafeStorageSecretStore.open(dir, safeStorage),
    (err: Error & { code?: string }) => err.code === 'storage-error' && /could not unlock/.test(err.message)
  )
  assert.deepEqual(readFileSync(path.join(dir, SEALING_KEY_FILE)), before)
})

test('a damaged key file is reported', async () => {
  const dir = tempDir()
  const safeStorage = new FakeSafeStorage()
  writeFileSync(path.join(dir, SEALING_KEY_FILE), safeStorage.encryptString('too short'))
  await assert.rejects(SafeStorageSecretStore.open(dir, safeStorage), /is damaged/)
})

test('when the keystore asks for re-encryption the key file is rewritten, same key', async () => {
  const dir = tempDir()
  const safeStorage = new FakeSafeStorage()
  const sealed = await (await SafeStorageSecretStore.open(dir, safeStorage)).seal(secret)
  const before = readFileSync(path.join(dir, SEALING_KEY_FILE))
  safeStorage.reEncryptNext = true
  const store = await SafeStorageSecretStore.open(dir, safeStorage)
  assert.notDeepEqual(readFileSync(path.join(dir, SEALING_KEY_FILE)), before)
  assert.deepEqual(await store.open(sealed), secret)
  assert.deepEqual(await (await SafeStorageSecretStore.open(dir, safeStorage)).open(sealed), secret)
})

test('a folder that the headless daemon set up is not taken over', async () => {
  const dir = tempDir()
  writeFileSync(path.join(dir, 'secret.key'), randomBytes(32), { mode: 0o600 })
  await assert.rejects(
    SafeStorageSecretStore.open(dir, new FakeSafeStorage()),
    /belongs to the Pairwise background service/
  )
})
