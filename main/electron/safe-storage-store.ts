import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PairwiseError } from '../../shared/errors.ts'
import { openWithKey, sealWithKey } from '../engine/identity/aead-box.ts'
import { readFileIfExists, writeFileAtomic } from '../engine/identity/atomic-file.ts'
import { ensurePrivateDir } from '../engine/identity/file-secret-store.ts'
import type { SecretProtection, SecretStore } from '../engine/identity/secret-store.ts'
import { heldBefore } from '../engine/storage/marker.ts'
import { storageFault } from '../engine/storage/storage-fault.ts'

/**
 * The part of Electron's `safeStorage` this store uses, so tests can pass a
 * fake. Electron 45 has both APIs; the async one is preferred (the sync one is
 * deprecated there) and the sync one kept for older runtimes.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  isAsyncEncryptionAvailable?(): Promise<boolean>
  encryptStringAsync?(plainText: string): Promise<Buffer>
  decryptStringAsync?(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>
  /** Linux only. */
  getSelectedStorageBackend?(): string
}

export const SEALING_KEY_FILE = 'secret.key.enc'
/** Where the headless FileSecretStore keeps its key in plain. */
const HEADLESS_KEY_FILE = 'secret.key'
const KEY_BYTES = 32

/**
 * Secrets are sealed with a random 256-bit key (XChaCha20-Poly1305, aead-box),
 * and only that key goes through the OS keystore: one keystore round trip at
 * start instead of one per secret, and the keystore's own format never touches
 * the registry. On Linux without a keyring Electron falls back to the
 * `basic_text` backend — a hard-coded password — and `protection` says so, so
 * the UI can warn.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly protection: SecretProtection
  readonly #key: Uint8Array

  private constructor(key: Uint8Array, protection: SecretProtection) {
    this.#key = key
    this.protection = protection
  }

  /** Call after the app is ready: before that safeStorage reports no encryption on Linux and Windows. */
  static async open(dataDir: string, safeStorage: SafeStorageLike): Promise<SafeStorageSecretStore> {
    const crypto = keystore(safeStorage)
    if (!(await crypto.available())) {
      throw new PairwiseError(
        'storage-error',
        'Pairwise cannot protect its keys: the system keystore is not available.',
        {
          hint:
            process.platform === 'linux'
              ? 'Install and unlock a keyring (GNOME Keyring or KWallet), then start Pairwise again. Or run `npx pairwise daemon --ui`, which keeps its keys in a file only you can read.'
              : 'Restart the computer and try again. Or run `npx pairwise daemon --ui`, which keeps its keys in a file only you can read.'
        }
      )
    }
    const protection: SecretProtection =
      safeStorage.getSelectedStorageBackend?.() === 'basic_text' ? 'basic-text' : 'os-keystore'

    ensurePrivateDir(dataDir)
    const file = join(dataDir, SEALING_KEY_FILE)
    const stored = readFileIfExists(file)
    if (stored === undefined) {
      if (existsSync(join(dataDir, HEADLESS_KEY_FILE))) {
        // A fresh key here could never open the identity the daemon sealed in this folder.
        throw new PairwiseError(
          'storage-error',
          `The data folder ${dataDir} belongs to the Pairwise background service (pairwise daemon).`,
          {
            hint: 'Use that folder with `npx pairwise daemon --ui`, or start the desktop app with another folder (PAIRWISE_DATA_DIR).'
          }
        )
      }
      // A new sealing key could never open the device key sealed with the lost one (storage/marker.ts).
      if (heldBefore(dataDir)) throw storageFault('missing', 'The sealed key that protects secrets', file)
      const key = new Uint8Array(randomBytes(KEY_BYTES))
      writeFileAtomic(file, await crypto.encrypt(encodeKey(key)))
      return new SafeStorageSecretStore(key, protection)
    }

    let decrypted: { text: string; reEncrypt: boolean }
    try {
      decrypted = await crypto.decrypt(Buffer.from(stored))
    } catch (err) {
      throw new PairwiseError(
        'storage-error',
        'The system keystore could not unlock the key that protects this device’s secrets.',
        {
          hint: 'Unlock your keyring (or log in as the user who set Pairwise up) and start Pairwise again. If the keyring was reset, move the data folder away to start over; paired devices will need pairing again.',
          cause: err
        }
      )
    }
    const key = decodeKey(decrypted.text, file)
    // The keystore rotated its key; store ours under the new one so it keeps opening.
    if (decrypted.reEncrypt) writeFileAtomic(file, await crypto.encrypt(encodeKey(key)))
    return new SafeStorageSecretStore(key, protection)
  }

  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    return sealWithKey(this.#key, plaintext)
  }

  async open(sealed: Uint8Array): Promise<Uint8Array> {
    return openWithKey(this.#key, sealed)
  }
}

interface Keystore {
  available(): Promise<boolean>
  encrypt(text: string): Promise<Buffer>
  decrypt(data: Buffer): Promise<{ text: string; reEncrypt: boolean }>
}

function keystore(s: SafeStorageLike): Keystore {
  const { isAsyncEncryptionAvailable, encryptStringAsync, decryptStringAsync } = s
  if (
    isAsyncEncryptionAvailable !== undefined &&
    encryptStringAsync !== undefined &&
    decryptStringAsync !== undefined
  ) {
    return {
      available: () => isAsyncEncryptionAvailable.call(s),
      encrypt: (text) => encryptStringAsync.call(s, text),
      decrypt: async (data) => {
        const { result, shouldReEncrypt } = await decryptStringAsync.call(s, data)
        return { text: result, reEncrypt: shouldReEncrypt }
      }
    }
  }
  return {
    available: async () => s.isEncryptionAvailable(),
    encrypt: async (text) => s.encryptString(text),
    decrypt: async (data) => ({ text: s.decryptString(data), reEncrypt: false })
  }
}

// safeStorage encrypts strings, so the key travels as base64.
function encodeKey(key: Uint8Array): string {
  return Buffer.from(key).toString('base64')
}

function decodeKey(text: string, file: string): Uint8Array {
  const key = new Uint8Array(Buffer.from(text, 'base64'))
  if (key.length !== KEY_BYTES || encodeKey(key) !== text) {
    throw new PairwiseError('storage-error', `The key file ${file} is damaged.`, {
      hint: 'Restore it from a backup, or move the data folder away to start over (paired devices will need pairing again).'
    })
  }
  return key
}
