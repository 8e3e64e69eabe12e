// A thin stand-in for Electron's safeStorage: real encryption under a key
// that lives in the fake (like the OS keystore), so a wrong or reset
// keystore fails to decrypt the way the real one does.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { SafeStorageLike } from '../../main/electron/safe-storage-store.ts'

export class FakeSafeStorage implements SafeStorageLike {
  readonly calls: string[] = []
  reEncryptNext = false
  #key = randomBytes(32)
  readonly options: { available?: boolean; backend?: string; asyncApi?: boolean }

  constructor(options: { available?: boolean; backend?: string; asyncApi?: boolean } = {}) {
    this.options = options
    if (options.asyncApi === false) {
      this.isAsyncEncryptionAvailable = undefined
      this.encryptStringAsync = undefined
      this.decryptStringAsync = undefined
    }
  }

  resetKeystore(): void {
    this.#key = randomBytes(32)
  }

  isEncryptionAvailable(): boolean {
    this.calls.push('isEncryptionAvailable')
    return this.options.available ?? true
  }

  encryptString(plainText: string): Buffer {
    this.calls.push('encryptString')
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body])
  }

  decryptString(encrypted: Buffer): string {
    this.calls.push('decryptString')
    const decipher = createDecipheriv('aes-256-gcm', this.#key, encrypted.subarray(0, 12))
    decipher.setAuthTag(encrypted.subarray(12, 28))
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8')
  }

  isAsyncEncryptionAvailable? = async (): Promise<boolean> => {
    this.calls.push('isAsyncEncryptionAvailable')
    return this.options.available ?? true
  }

  encryptStringAsync? = async (plainText: string): Promise<Buffer> => {
    this.calls.push('encryptStringAsync')
    return this.encryptString(plainText)
  }

  decryptStringAsync? = async (encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> => {
    this.calls.push('decryptStringAsync')
    const shouldReEncrypt = this.reEncryptNext
    this.reEncryptNext = false
    return { shouldReEncrypt, result: this.decryptString(encrypted) }
  }

  getSelectedStorageBackend(): string {
    return this.options.backend ?? 'gnome_libsecret'
  }
}
