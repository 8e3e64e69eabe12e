// Every test and benchmark that needs real files (SQLite, sealed keys, a daemon's
// data folder) gets its folder here, so all of them are named pw-<label>-XXXXXX under
// the OS temp dir and one teardown call removes a suite's folders even after a failure.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A new empty folder under the OS temp dir. */
export function makeTempDir(label: string): string {
  // Labels are often device names ("Alice desktop"): keep the folder name shell-friendly.
  return mkdtempSync(join(tmpdir(), `pw-${label.replace(/[^\w-]/g, '')}-`))
}

/** Removes a folder and everything in it; a folder already gone is fine. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * The folders one suite (or one benchmark run) makes, removed together:
 * `const temp = new TempDirs('reg'); afterEach(temp.removeAll)`.
 */
export class TempDirs {
  readonly #label: string
  readonly #made: string[] = []

  constructor(label: string) {
    this.#label = label
  }

  /** A new empty folder, pw-<label>[-<name>]-XXXXXX. */
  make(name?: string): string {
    const dir = makeTempDir(name === undefined ? this.#label : `${this.#label}-${name}`)
    this.#made.push(dir)
    return dir
  }

  /** Removes every folder made so far; an arrow so it can be handed to after() or afterEach() as is. */
  removeAll = (): void => {
    for (const dir of this.#made.splice(0)) removeTempDir(dir)
  }
}
