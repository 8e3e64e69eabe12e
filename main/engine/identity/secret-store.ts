// Secrets (the device key, pair keys) are sealed before they touch the disk.
// Each front end brings its own store: Electron seals with the OS keystore
// (safeStorage), headless runs seal with a key file that only the owner can
// read. Callers check `protection` and say plainly how well secrets are kept.

export type SecretProtection =
  /** An OS keystore (Keychain, DPAPI, libsecret/kwallet) holds the sealing key. */
  | 'os-keystore'
  /** A key file readable only by this user (mode 0600) holds the sealing key. */
  | 'file-permissions'
  /** Electron on Linux without a keyring: safeStorage's hard-coded password — not real protection. */
  | 'basic-text'
  /** Kept in memory only (tests). */
  | 'memory'

export interface SecretStore {
  readonly protection: SecretProtection
  seal(plaintext: Uint8Array): Promise<Uint8Array>
  open(sealed: Uint8Array): Promise<Uint8Array>
}
