import { DatabaseSync } from 'node:sqlite'
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import { PairwiseError } from '../../../shared/errors.ts'
import { prepareDatabaseFile, tightenSidecars } from './file-mode.ts'
import type { Row } from './rows.ts'
import { migrate } from './schema.ts'
import { fromFsError } from '../storage/storage-fault.ts'
import { closed, REGISTRY_WHAT, toStorageError } from './storage-error.ts'

// The registry's SQLite file: opened with the settings that make its
// guarantees hold, prepared statements cached, every failure turned into a
// storage error, and write transactions that take the lock up front.

function openFailure(err: unknown, file: string): unknown {
  if (err instanceof PairwiseError) return err
  const errno = (err as NodeJS.ErrnoException | null)?.code
  if (typeof errno === 'string' && !errno.startsWith('ERR_')) {
    const fault = fromFsError(err, REGISTRY_WHAT, file)
    if (fault !== err) return fault
    return new PairwiseError('storage-error', `The device registry (${file}) could not be created or opened.`, {
      hint: 'Check that the data directory exists, that you own it, and that the disk is not full.',
      details: { file, errno, cause: 'other' }
    })
  }
  return toStorageError(err, file)
}

const INSERT_EVENT_SQL = 'INSERT INTO events (at, kind, peer_id, reason, details) VALUES (?, ?, ?, ?, ?)'

export class RegistryDatabase {
  readonly #db: DatabaseSync
  readonly #file: string
  readonly #statements = new Map<string, StatementSync>()
  #closed = false

  private constructor(db: DatabaseSync, file: string) {
    this.#db = db
    this.#file = file
  }

  static open(location: string, busyTimeoutMs: number): RegistryDatabase {
    let db: DatabaseSync | undefined
    try {
      prepareDatabaseFile(location)
      db = new DatabaseSync(location, { enableForeignKeyConstraints: true, timeout: busyTimeoutMs })
      // The first statement reads the header: a file that is not SQLite fails here.
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`)
      // WAL lets readers (the UI listing devices) run beside a writer. Atomicity does not
      // depend on it: transactions are atomic in any journal mode, so a file system that
      // refuses WAL (and silently keeps the old mode) still gets correct behaviour.
      db.exec('PRAGMA journal_mode = WAL')
      // FULL syncs the WAL on every commit: a revocation the person saw succeed survives
      // a power cut, not just a process crash. Registry writes are rare, so the cost is small.
      db.exec('PRAGMA synchronous = FULL')
      db.exec('PRAGMA foreign_keys = ON')
      migrate(db, location)
      tightenSidecars(location)
      return new RegistryDatabase(db, location)
    } catch (err) {
      try {
        db?.close()
      } catch {
        // The open error is the one worth reporting.
      }
      throw openFailure(err, location)
    }
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#statements.clear()
    this.#db.close()
  }

  #statement(sql: string): StatementSync {
    if (this.#closed) throw closed(this.#file)
    let stmt = this.#statements.get(sql)
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql)
      this.#statements.set(sql, stmt)
    }
    return stmt
  }

  /** Compiles a statement now (it is cached), so its first run does not pay for it. */
  prepare(sql: string): void {
    this.#statement(sql)
  }

  prepareEventInsert(): void {
    this.#statement(INSERT_EVENT_SQL)
  }

  run(sql: string, ...params: SQLInputValue[]) {
    return this.#statement(sql).run(...params)
  }

  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params)
  }

  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#statement(sql).all(...params)
  }

  guard<T>(fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      throw toStorageError(err, this.#file)
    }
  }

  /**
   * IMMEDIATE takes the write lock up front, so two processes cannot both read a status
   * and then both act on it; the busy timeout makes the loser wait instead of failing.
   */
  transaction<T>(fn: () => T): T {
    return this.guard(() => {
      if (this.#closed) throw closed(this.#file)
      if (this.#db.isTransaction) throw new Error('Registry transactions do not nest.')
      this.#db.exec('BEGIN IMMEDIATE')
      try {
        const result = fn()
        this.#db.exec('COMMIT')
        return result
      } catch (err) {
        try {
          if (this.#db.isTransaction) this.#db.exec('ROLLBACK')
        } catch {
          // SQLite may already have rolled back (e.g. after SQLITE_FULL); the first error is the real one.
        }
        throw err
      }
    })
  }

  /** One audit-log row (inside the caller's transaction when there is one); returns its id. */
  insertEvent(at: number, kind: string, peerId: string | null, reason: string | null, detailsJson: string): number {
    return Number(this.run(INSERT_EVENT_SQL, at, kind, peerId, reason, detailsJson).lastInsertRowid)
  }
}
