import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { heldBefore, HELD_FILES } from '../storage/marker.ts'
import { onFile, storageFault } from '../storage/storage-fault.ts'
import { openWithKey, sealWithKey } from './aead-box.ts'
import type { SecretStore } from './secret-store.ts'
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts'

/**
 * The headless store: a random 256-bit sealing key in `<dataDir>/secret.key`,
 * mode 0600 in a 0700 directory. This protects secrets as well as the account
 * protects its files — no better — and the CLI and daemon say so.
 */
const WHAT = HELD_FILES.secretKey.what

export class FileSecretStore implements SecretStore {
  readonly protection = 'file-permissions' as const
  readonly #key: Uint8Array

  private constructor(key: Uint8Array) {
    this.#key = key
  }

  static open(dataDir: string): FileSecretStore {
    onFile('The data folder', dataDir, () => ensurePrivateDir(dataDir))
    const file = join(dataDir, 'secret.key')
    let key = onFile(WHAT, file, () => readFileIfExists(file))
    if (key === undefined || key.length === 0) {
      // A new sealing key could never open the device key sealed with the old one.
      if (heldBefore(dataDir)) throw storageFault('missing', WHAT, file)
      const fresh = randomBytes(32)
      onFile(WHAT, file, () => writeFileAtomic(file, fresh))
      key = fresh
    } else if (key.length !== 32) {
      throw storageFault('damaged', WHAT, file)
    }
    return new FileSecretStore(key)
  }

  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    return sealWithKey(this.#key, plaintext)
  }

  async open(sealed: Uint8Array): Promise<Uint8Array> {
    return openWithKey(this.#key, sealed)
  }
}

/** For tests and throwaway nodes: secrets never touch the disk. */
export class MemorySecretStore implements SecretStore {
  readonly protection = 'memory' as const
  readonly #key = randomBytes(32)

  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    return sealWithKey(this.#key, plaintext)
  }

  async open(sealed: Uint8Array): Promise<Uint8Array> {
    return openWithKey(this.#key, sealed)
  }
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (process.platform !== 'win32') chmodSync(dir, 0o700)
}
