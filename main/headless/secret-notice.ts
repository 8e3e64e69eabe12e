import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { FileSecretStore } from '../engine/identity/file-secret-store.ts'
import type { Output } from './output.ts'

/** The headless secret store; the first time it is created, the person is told how well it protects them. */
export function openSecretStore(dataDir: string, out: Output): FileSecretStore {
  const firstRun = !existsSync(join(dataDir, 'secret.key'))
  const secretStore = FileSecretStore.open(dataDir)
  if (firstRun) {
    out.notice(
      `pairwise: this device's key and pair keys are kept in ${dataDir}, in files only this user account can read. No OS keystore is used when Pairwise runs headless, so protect this account (and its backups) accordingly.`
    )
  }
  return secretStore
}
