// A hostile device name reaches the terminal escaped, through the real CLI.
// New names with escapes are refused at every entry (shared/device-name.ts),
// so the name is planted the way an older version could have stored it: by
// writing the registry row directly. Loopback only, --no-mdns.
import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { startDevice } from '../../test-support/engine/loopback-network.ts'
import { LOOPBACK_NET, runCli } from '../../test-support/cli.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { Registry } from '../engine/registry/registry.ts'
import { dataFiles } from '../engine/service/data-dir.ts'

const NET = LOOPBACK_NET
const HOSTILE = 'Evil\x1b[2J\x1b[H\rPaired with Your Bank\u202e'
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/

const temp = new TempDirs('hostile')
after(temp.removeAll)

const cli = runCli

describe('a hostile device name on the terminal', { timeout: 60_000 }, () => {
  it('`pairwise devices` and `pairwise revoke` print it escaped; `rename` and --name refuse one', async () => {
    const dataDir = temp.make()
    const device = await startDevice('Honest', { dataDir })
    const other = await startDevice('Other', { dataDir: temp.make() })
    const peerId = other.service.peerId
    await other.stop()
    await device.stop()
    const registry = Registry.open(dataFiles(dataDir).registry)
    registry.recordPairing({
      peerId,
      name: 'placeholder',
      os: 'Linux',
      appVersion: '0.1.0',
      addresses: [],
      pairKeySealed: new Uint8Array(64),
      status: 'paired'
    })
    registry.close()
    const db = new DatabaseSync(dataFiles(dataDir).registry)
    db.prepare('UPDATE devices SET name = ? WHERE peer_id = ?').run(HOSTILE, peerId)
    db.close()

    const devices = await cli(['devices', '--data-dir', dataDir, ...NET])
    assert.equal(devices.code, 0, devices.stderr)
    assert.doesNotMatch(devices.stdout, RAW)
    assert.match(devices.stdout, /Evil\\x1b\[2J\\x1b\[H\\x0dPaired with Your Bank\\u202e/)

    const revoke = await cli(['revoke', peerId.slice(0, 16), '--data-dir', dataDir, ...NET])
    assert.equal(revoke.code, 0, revoke.stderr)
    assert.doesNotMatch(revoke.stdout + revoke.stderr, RAW)
    assert.match(revoke.stdout, /Revoked Evil\\x1b/)

    const rename = await cli(['rename', HOSTILE, '--data-dir', dataDir, ...NET])
    assert.equal(rename.code, 2, rename.stdout + rename.stderr)
    assert.doesNotMatch(rename.stdout + rename.stderr, RAW)
    const flag = await cli(['devices', '--name', HOSTILE, '--data-dir', dataDir, ...NET])
    assert.equal(flag.code, 2)
    assert.doesNotMatch(flag.stdout + flag.stderr, RAW)
  })
})
