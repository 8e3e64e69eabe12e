import assert from 'node:assert/strict'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, test } from 'node:test'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { Registry } from './registry.ts'

const temp = new TempDirs('settings')
afterEach(temp.removeAll)

test('the public network setting is on by default, kept across reopening the file, and each change is logged', () => {
  const file = path.join(temp.make(), 'registry.sqlite')
  const first = Registry.open(file)
  assert.equal(first.settings.publicNetwork, true, 'on when never set')
  assert.equal(first.settings.setPublicNetwork(true), false, 'already on: nothing changes')
  assert.equal(first.settings.setPublicNetwork(false), true)
  assert.equal(first.settings.setPublicNetwork(false), false, 'already off')
  first.close()

  const again = Registry.open(file)
  assert.equal(again.settings.publicNetwork, false, 'off survives reopening')
  assert.equal(again.settings.setPublicNetwork(true), true)
  const logged = again
    .listEvents({ limit: 10 })
    .filter((e) => e.kind === 'setting-changed')
    .map((e) => e.details)
    .reverse()
  assert.deepEqual(logged, [
    { key: 'public-network', value: false },
    { key: 'public-network', value: true }
  ])
  again.close()
})

test('a file from before the settings table gains it on open, with the default', () => {
  const file = path.join(temp.make(), 'registry.sqlite')
  Registry.open(file).close()
  // Back to schema 2: as a version without the settings table left the file.
  const db = new DatabaseSync(file)
  db.exec('DROP TABLE settings; PRAGMA user_version = 2')
  db.close()
  const reopened = Registry.open(file)
  assert.equal(reopened.settings.publicNetwork, true)
  assert.equal(reopened.settings.setPublicNetwork(false), true)
  reopened.close()
})
