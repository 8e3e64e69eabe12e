import type { RegistryDatabase } from './database.ts'

/** A part of the registry kept in its own file: it shares the registry's database and clock. */
export abstract class RegistryPart {
  protected readonly db: RegistryDatabase
  protected readonly now: () => number

  constructor(db: RegistryDatabase, now: () => number) {
    this.db = db
    this.now = now
  }
}
