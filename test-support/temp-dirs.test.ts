import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { makeTempDir, removeTempDir, TempDirs } from './temp-dirs.ts'

describe('temp dirs', () => {
  it('makes distinct, shell-friendly folders under the OS temp dir', () => {
    const temp = new TempDirs('suite')
    const [a, b] = [temp.make('Alice desktop'), temp.make()]
    assert.notEqual(a, b)
    assert.equal(dirname(a), tmpdir())
    assert.match(basename(a), /^pw-suite-Alicedesktop-\w+$/)
    assert.match(basename(b), /^pw-suite-\w+$/)
    temp.removeAll()
  })

  it('removeAll removes every folder with its contents and can run twice', () => {
    const temp = new TempDirs('suite')
    const dirs = [temp.make(), temp.make()]
    for (const dir of dirs) writeFileSync(join(dir, 'registry.sqlite'), 'x')
    temp.removeAll()
    temp.removeAll()
    assert.ok(dirs.every((dir) => !existsSync(dir)))
  })

  it('removeTempDir accepts a folder that is already gone', () => {
    const dir = makeTempDir('gone')
    removeTempDir(dir)
    removeTempDir(dir)
    assert.equal(existsSync(dir), false)
  })
})
