// The data folder lock: a live owner keeps it; a lock whose pid now belongs to
// an unrelated process (a reused pid) is stale and taken over. Real processes.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import { PairwiseError } from '../../../shared/errors.ts'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { processStartTime } from '../storage/process-start.ts'
import { acquireDataDirLock, dataFiles, parseLock } from './data-dir.ts'

const temp = new TempDirs('lock')
const children: ChildProcess[] = []
after(() => {
  for (const c of children) c.kill('SIGKILL')
  temp.removeAll()
})

/** An unrelated live process: its pid stands in for a reused one. */
function unrelated(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' })
  children.push(child)
  return child.pid!
}

const isLocked = (fn: () => unknown): boolean => {
  try {
    ;(fn() as { release(): void }).release()
    return false
  } catch (err) {
    if (err instanceof PairwiseError && err.code === 'data-dir-locked') return true
    throw err
  }
}

describe('data folder lock', () => {
  it('records the owner pid and its start time', () => {
    const dir = temp.make()
    const lock = acquireDataDirLock(dir)
    const { pid, start } = parseLock(readFileSync(dataFiles(dir).lock, 'utf8'))
    assert.equal(pid, process.pid)
    assert.equal(start, processStartTime(process.pid))
    lock.release()
  })

  it(
    'a live pid whose start time differs is a reused pid: the lock is taken over',
    { skip: processStartTime(process.pid) === undefined ? 'no /proc start times here' : false },
    () => {
      const dir = temp.make()
      const pid = unrelated()
      const realStart = processStartTime(pid)
      assert.ok(realStart !== undefined)
      // The lock says: pid N, started at another time — not this process N.
      writeFileSync(dataFiles(dir).lock, `${pid}\n${Number(realStart) + 12345}\n`)
      assert.equal(
        isLocked(() => acquireDataDirLock(dir)),
        false
      )
      // The same pid with its real start time is the owner: refused.
      writeFileSync(dataFiles(dir).lock, `${pid}\n${realStart}\n`)
      assert.equal(
        isLocked(() => acquireDataDirLock(dir)),
        true
      )
      // A lock from an older build (pid only) falls back to the pid check.
      writeFileSync(dataFiles(dir).lock, String(pid))
      assert.equal(
        isLocked(() => acquireDataDirLock(dir)),
        true
      )
    }
  )

  it('a lock whose process is gone is taken over', async () => {
    const dir = temp.make()
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    const pid = child.pid!
    await new Promise((r) => child.on('exit', r))
    writeFileSync(dataFiles(dir).lock, `${pid}\n1\n`)
    assert.equal(
      isLocked(() => acquireDataDirLock(dir)),
      false
    )
  })
})
