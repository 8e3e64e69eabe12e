// `npm start` where Electron cannot be downloaded: the installer's stack trace
// is kept out of the output; the advice carries its one-line reason instead.
// The installer here is a stand-in that fails the way @electron/get does offline.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { TempDirs } from '../test-support/temp-dirs.ts'
import { downloadAdvice, ensureElectronBinary } from './electron-download.ts'

const temp = new TempDirs('electron-download')
after(temp.removeAll)

const OFFLINE_INSTALLER = `
const err = new TypeError('fetch failed')
err.cause = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' })
Promise.reject(err)
`

test('a failed download ends in the advice with a one-line reason, no stack trace', () => {
  const electronDir = temp.make()
  writeFileSync(join(electronDir, 'install.js'), OFFLINE_INSTALLER)
  const logged: string[] = []
  const found = ensureElectronBinary(electronDir, (line) => void logged.push(line))
  assert.deepEqual(logged, ['Downloading the Electron binary (first start only)…'])
  assert.equal(found.ok, false)
  assert.equal(found.ok ? '' : found.reason, 'TypeError: fetch failed')
  const advice = downloadAdvice(found.ok ? '' : found.reason)
  assert.match(advice, /could not be downloaded .*: TypeError: fetch failed\./)
  assert.match(advice, /npx pairwise daemon --ui/)
  assert.doesNotMatch(advice, /^\s+at /m)
})

test('a binary already in place is used without running the installer', () => {
  const electronDir = temp.make()
  writeFileSync(join(electronDir, 'install.js'), 'throw new Error("must not run")')
  writeFileSync(join(electronDir, 'path.txt'), 'electron')
  mkdirSync(join(electronDir, 'dist'))
  writeFileSync(join(electronDir, 'dist', 'electron'), '')
  const logged: string[] = []
  const found = ensureElectronBinary(electronDir, (line) => void logged.push(line))
  assert.deepEqual(found, { ok: true, binary: join(electronDir, 'dist', 'electron') })
  assert.deepEqual(logged, [])
})
