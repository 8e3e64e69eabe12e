import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { hostname, platform } from 'node:os'
import { join } from 'node:path'
import { PairwiseError } from '../../../shared/errors.ts'
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts'
import type { SecretStore } from './secret-store.ts'
import type { LocalIdentity } from './local-identity.ts'

// The device key IS the libp2p identity key: the peer id that Noise
// authenticates on every connection is the key that signs pairing transcripts,
// so there is no second key to bind or to get out of step.
export const IDENTITY_FILE = 'identity.key'

export async function loadOrCreateIdentity(
  dataDir: string,
  store: SecretStore
): Promise<LocalIdentity & { created: boolean }> {
  const file = join(dataDir, IDENTITY_FILE)
  const sealed = readFileIfExists(file)
  if (sealed !== undefined) {
    const privateKey = restore(await store.open(sealed), file)
    return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), created: false }
  }
  const privateKey = await generateKeyPair('Ed25519')
  writeFileAtomic(file, await store.seal(privateKeyToProtobuf(privateKey)))
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), created: true }
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
    throw new PairwiseError('storage-error', `The device key in ${file} is damaged.`, { cause: err })
  } finally {
    bytes.fill(0)
  }
}

export function defaultDeviceName(): string {
  const name = hostname()
    .replace(/\.local$/i, '')
    .trim()
  return (name.length > 0 ? name : 'My device').slice(0, 64)
}

export function osLabel(p: NodeJS.Platform = platform()): string {
  switch (p) {
    case 'darwin':
      return 'macOS'
    case 'win32':
      return 'Windows'
    case 'linux':
      return 'Linux'
    default:
      return p
  }
}
