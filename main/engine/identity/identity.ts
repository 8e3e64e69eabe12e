import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { join } from 'node:path'
import { PairwiseError } from '../../../shared/errors.ts'
import { SealedBoxError } from './aead-box.ts'
import { onFile, storageFault } from '../storage/storage-fault.ts'
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts'
import type { SecretStore } from './secret-store.ts'
import type { LocalIdentity } from './local-identity.ts'

// Re-exported for the engine modules that already take them from here.
export { defaultDeviceName, osLabel } from './host-label.ts'

// The device key IS the libp2p identity key: the peer id that Noise
// authenticates on every connection is the key that signs pairing transcripts,
// so there is no second key to bind or to get out of step.
export const IDENTITY_FILE = 'identity.key'

const WHAT = "This device's key"

/**
 * `mayCreate: false` (the data folder held a key before, see storage/marker.ts)
 * turns a missing or empty key file into storage-missing instead of a new identity:
 * a new identity would make this device a stranger to every paired device.
 */
export async function loadOrCreateIdentity(
  dataDir: string,
  store: SecretStore,
  options: { mayCreate?: boolean } = {}
): Promise<LocalIdentity & { created: boolean }> {
  const file = join(dataDir, IDENTITY_FILE)
  const sealed = onFile(WHAT, file, () => readFileIfExists(file))
  if (sealed !== undefined && sealed.length > 0) {
    const privateKey = restore(await unseal(store, sealed, file), file)
    return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), created: false }
  }
  if (options.mayCreate === false) throw storageFault('missing', WHAT, file)
  const privateKey = await generateKeyPair('Ed25519')
  const bytes = await store.seal(privateKeyToProtobuf(privateKey))
  onFile(WHAT, file, () => writeFileAtomic(file, bytes))
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), created: true }
}

async function unseal(store: SecretStore, sealed: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    return await store.open(sealed)
  } catch (err) {
    // The sealed box said no: the key file is damaged, or was sealed with another folder's key.
    // A keystore that is locked says so itself, with its own hint; that passes through.
    if (err instanceof PairwiseError && !(err instanceof SealedBoxError)) throw err
    throw storageFault('damaged', WHAT, file, {
      message: `This device's key (${file}) could not be unlocked: it is damaged, or it was sealed with another data folder's key.`,
      cause: err
    })
  }
}

export async function ephemeralIdentity(): Promise<LocalIdentity> {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString() }
}

function restore(bytes: Uint8Array, file: string): PrivateKey {
  try {
    const key = privateKeyFromProtobuf(bytes)
    if (key.type !== 'Ed25519') throw new Error(`unexpected key type ${key.type}`)
    return key
  } catch (err) {
    throw storageFault('damaged', WHAT, file, { cause: err })
  } finally {
    bytes.fill(0)
  }
}
