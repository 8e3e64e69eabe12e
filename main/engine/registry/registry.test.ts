import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { PairwiseError } from '../../../shared/errors.ts'
import type { ErrorCode } from '../../../shared/errors.ts'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { Registry, SCHEMA_VERSION } from './registry.ts'
import type { PairingInput } from './registry.ts'
import { APPLICATION_ID } from './schema.ts'

const temp = new TempDirs('reg')
let dir: string
let file: string
let clock: number
const now = () => clock++
const open = () => Registry.open(file, { now })

beforeEach(() => {
  dir = temp.make()
  file = path.join(dir, 'data', 'registry.sqlite')
  clock = 1_700_000_000_000
})

afterEach(temp.removeAll)

function sealed(seed: number, length = 48): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7 + 11) & 0xff)
}

function pairing(n: number, overrides: Partial<PairingInput> = {}): PairingInput {
  return {
    peerId: `12D3KooWpeer${n}`,
    name: `Device ${n}`,
    os: 'linux',
    appVersion: '0.1.0',
    addresses: [`/ip4/192.168.1.${n}/tcp/4001`],
    pairKeySealed: sealed(n),
    status: 'paired',
    ...overrides
  }
}

function rejects(fn: () => unknown, code: ErrorCode): PairwiseError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  assert.ok(caught instanceof PairwiseError, `expected PairwiseError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  return caught
}

/** Everything in the database, for "nothing changed" comparisons. */
function dump(): unknown {
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    const out: Record<string, unknown> = {}
    for (const table of ['this_device', 'devices', 'events', 'revocation_outbox']) {
      out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()
    }
    return out
  } finally {
    db.close()
  }
}

function kinds(reg: Registry): string[] {
  return reg
    .listEvents({ limit: 1000 })
    .map((e) => e.kind)
    .reverse()
}

describe('open', () => {
  test('creates a private directory and file, WAL mode, current schema', { skip: process.platform === 'win32' }, () => {
    const reg = open()
    reg.recordPairing(pairing(1)) // forces the WAL to exist
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700)
    for (const f of [file, file + '-wal', file + '-shm']) {
      assert.equal(fs.statSync(f).mode & 0o777, 0o600, f)
    }
    reg.close()
    const db = new DatabaseSync(file)
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal')
    assert.equal(db.prepare('PRAGMA user_version').get()?.user_version, SCHEMA_VERSION)
    assert.equal(db.prepare('PRAGMA application_id').get()?.application_id, APPLICATION_ID)
    db.close()
  })

  test('tightens an existing file that other users could read', { skip: process.platform === 'win32' }, () => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, '')
    fs.chmodSync(file, 0o644)
    open().close()
    assert.equal(fs.statSync(file).mode & 0o777, 0o600)
  })

  test('a file that is not SQLite gives storage-damaged, names the file and is left untouched', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const garbage = Buffer.from('this is not a database, just some words '.repeat(50))
    fs.writeFileSync(file, garbage)
    const err = rejects(open, 'storage-damaged')
    assert.match(err.message, /damaged or is not a Pairwise file/)
    assert.ok(err.message.includes(file), 'the message names the file')
    assert.equal(err.details?.file, file)
    assert.equal(err.details?.cause, 'damaged')
    assert.ok(err.hint !== undefined && err.hint.length > 0)
    assert.deepEqual(fs.readFileSync(file), garbage)
  })

  test('a short garbage file gives storage-damaged too', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, 'oops')
    rejects(open, 'storage-damaged')
  })

  test('a newer schema version gives storage-foreign with a hint to update', () => {
    open().close()
    const db = new DatabaseSync(file)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    const err = rejects(open, 'storage-foreign')
    assert.match(err.message, /newer version/)
    assert.match(err.hint ?? '', /Update Pairwise/)
  })

  test("another program's SQLite database is refused, not migrated", () => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const db = new DatabaseSync(file)
    db.exec('CREATE TABLE notes (body TEXT)')
    db.close()
    const err = rejects(open, 'storage-foreign')
    assert.match(err.message, /another program/)
    const check = new DatabaseSync(file)
    assert.equal(check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'devices'").get()?.n, 0)
    check.close()
  })

  test('a parent path that is a file gives storage-error', () => {
    fs.writeFileSync(path.join(dir, 'data'), 'not a directory')
    rejects(open, 'storage-error')
  })

  test('migrations are idempotent on reopen', () => {
    open().close()
    const schemaOf = () => {
      const db = new DatabaseSync(file, { readOnly: true })
      const rows = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all()
      const version = db.prepare('PRAGMA user_version').get()?.user_version
      db.close()
      return { rows, version }
    }
    const first = schemaOf()
    for (let i = 0; i < 3; i++) open().close()
    assert.deepEqual(schemaOf(), first)
    assert.equal(first.version, SCHEMA_VERSION)
  })

  test('a closed registry says so with storage-error; close is idempotent', () => {
    const reg = open()
    reg.close()
    reg.close()
    rejects(() => reg.listDevices(), 'storage-error')
    rejects(() => reg.revoke('12D3KooWpeer1'), 'storage-error')
  })
})

describe('this device', () => {
  test('set, get, rename (logged), identity change (logged)', () => {
    const reg = open()
    assert.equal(reg.getThisDevice(), null)
    const created = reg.setThisDevice({ peerId: 'me', name: 'Laptop', os: 'linux' })
    assert.deepEqual(reg.getThisDevice(), created)
    assert.deepEqual(kinds(reg), [])

    reg.setThisDevice({ peerId: 'me', name: 'Laptop', os: 'darwin' })
    assert.deepEqual(kinds(reg), [], 'no rename event when the name is unchanged')
    assert.equal(reg.getThisDevice()?.os, 'darwin')

    const renamed = reg.setThisDevice({ peerId: 'me', name: 'Work laptop', os: 'darwin' })
    assert.equal(renamed.createdAt, created.createdAt)
    const [event] = reg.listEvents({ limit: 1 })
    assert.equal(event?.kind, 'renamed')
    assert.deepEqual(event?.details, { from: 'Laptop', to: 'Work laptop' })

    reg.setThisDevice({ peerId: 'me-2', name: 'Work laptop', os: 'darwin' })
    assert.equal(reg.getThisDevice()?.peerId, 'me-2')
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'identity-changed')
    reg.close()
  })
})

describe('pairing lifecycle', () => {
  test('recordPairing round trip and event', () => {
    const reg = open()
    reg.preparePairing()
    const input = pairing(1)
    const stored = reg.recordPairing(input)
    const got = reg.getDevice(input.peerId)
    assert.deepEqual(got, stored)
    assert.equal(got?.name, input.name)
    assert.equal(got?.os, input.os)
    assert.equal(got?.appVersion, input.appVersion)
    assert.deepEqual(got?.addresses, input.addresses)
    assert.deepEqual(got?.pairKeySealed, input.pairKeySealed)
    assert.equal(got?.status, 'paired')
    assert.equal(got?.revokedAt, null)
    assert.equal(typeof got?.pairedAt, 'number')
    assert.equal(reg.isTrusted(input.peerId), true)
    const [event] = reg.listEvents({ limit: 1 })
    assert.equal(event?.kind, 'paired')
    assert.equal(event?.peerId, input.peerId)
    assert.equal(event?.details.name, input.name)
    assert.equal(reg.getDevice('12D3KooWunknown'), null)
    reg.close()
  })

  test('the stored key is a copy: mutating the caller buffer changes nothing', () => {
    const reg = open()
    const input = pairing(1)
    reg.recordPairing(input)
    input.pairKeySealed.fill(0)
    assert.deepEqual(reg.getDevice(input.peerId)?.pairKeySealed, sealed(1))
    reg.close()
  })

  test('pending → confirm → paired; confirm is a no-op otherwise', () => {
    const reg = open()
    const p = pairing(2, { status: 'pending-confirmation' })
    reg.recordPairing(p)
    assert.equal(reg.getDevice(p.peerId)?.status, 'pending-confirmation')
    assert.equal(reg.isTrusted(p.peerId), false, 'pending is not trusted yet')
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'pending')

    assert.equal(reg.confirmPairing(p.peerId), true)
    assert.equal(reg.getDevice(p.peerId)?.status, 'paired')
    assert.equal(reg.isTrusted(p.peerId), true)
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'confirmed')

    const before = dump()
    assert.equal(reg.confirmPairing(p.peerId), false)
    assert.equal(reg.confirmPairing('12D3KooWunknown'), false)
    assert.deepEqual(dump(), before)
    reg.close()
  })

  test('dropPending deletes only pending devices and logs the reason', () => {
    const reg = open()
    reg.recordPairing(pairing(3, { status: 'pending-confirmation' }))
    reg.recordPairing(pairing(4))
    assert.equal(reg.dropPending(pairing(4).peerId, 'timeout'), false)
    assert.equal(reg.getDevice(pairing(4).peerId)?.status, 'paired')
    assert.equal(reg.dropPending(pairing(3).peerId, 'ack-timeout'), true)
    assert.equal(reg.getDevice(pairing(3).peerId), null)
    const [event] = reg.listEvents({ limit: 1 })
    assert.equal(event?.kind, 'pending-dropped')
    assert.equal(event?.reason, 'ack-timeout')
    assert.equal(event?.peerId, pairing(3).peerId)
    assert.equal(reg.dropPending(pairing(3).peerId, 'again'), false)
    reg.close()
  })

  test('revoke: untrusted at once, key kept, notice queued, idempotent', () => {
    const reg = open()
    const p = pairing(5)
    reg.recordPairing(p)
    assert.equal(reg.revoke(p.peerId), true)
    const d = reg.getDevice(p.peerId)
    assert.equal(d?.status, 'revoked')
    assert.equal(typeof d?.revokedAt, 'number')
    assert.deepEqual(d?.pairKeySealed, p.pairKeySealed, 'the key authenticates the notice')
    assert.equal(reg.isTrusted(p.peerId), false)
    assert.deepEqual(reg.revokedPeerIds(), [p.peerId])
    assert.deepEqual(reg.pendingRevocations(), [
      { peerId: p.peerId, attempts: 0, createdAt: d?.revokedAt, lastAttemptAt: null }
    ])
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'revoked')

    const before = dump()
    assert.equal(reg.revoke(p.peerId), false)
    assert.deepEqual(dump(), before, 'revoking twice changes nothing')

    rejects(() => reg.revoke('12D3KooWunknown'), 'not-found')
    reg.close()
  })

  test('a pending device can be revoked too (the peer may think it is paired)', () => {
    const reg = open()
    const p = pairing(6, { status: 'pending-confirmation' })
    reg.recordPairing(p)
    assert.equal(reg.revoke(p.peerId), true)
    assert.equal(reg.pendingRevocations().length, 1)
    assert.equal(reg.confirmPairing(p.peerId), false, 'a revoked device cannot be confirmed back')
    reg.close()
  })

  test('revocation outbox: attempts, delivery', () => {
    const reg = open()
    const p = pairing(7)
    reg.recordPairing(p)
    assert.equal(reg.recordRevocationAttempt(p.peerId), false, 'no notice owed yet')
    reg.revoke(p.peerId)
    assert.equal(reg.recordRevocationAttempt(p.peerId), true)
    assert.equal(reg.recordRevocationAttempt(p.peerId), true)
    const [pending] = reg.pendingRevocations()
    assert.equal(pending?.attempts, 2)
    assert.equal(typeof pending?.lastAttemptAt, 'number')

    assert.equal(reg.markRevocationDelivered(p.peerId), true)
    assert.deepEqual(reg.pendingRevocations(), [])
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'revocation-delivered')
    assert.equal(reg.markRevocationDelivered(p.peerId), false)
    assert.equal(reg.recordRevocationAttempt(p.peerId), false)
    assert.equal(reg.getDevice(p.peerId)?.status, 'revoked', 'delivery does not bring trust back')
    assert.equal(reg.markRevocationDelivered('12D3KooWunknown'), false)
    reg.close()
  })

  test('markRemovedByPeer', () => {
    const reg = open()
    const a = pairing(8)
    const b = pairing(9)
    reg.recordPairing(a)
    reg.recordPairing(b)

    assert.equal(reg.markRemovedByPeer(a.peerId), true)
    const d = reg.getDevice(a.peerId)
    assert.equal(d?.status, 'removed-by-peer')
    assert.equal(typeof d?.revokedAt, 'number')
    assert.equal(reg.isTrusted(a.peerId), false)
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'removed-by-peer')
    assert.equal(reg.markRemovedByPeer(a.peerId), false)
    assert.equal(reg.revoke(a.peerId), false, 'nothing to tell a peer that already removed us')
    assert.deepEqual(reg.pendingRevocations(), [])

    // Both sides revoked: ours stays 'revoked' and our notice is settled.
    reg.revoke(b.peerId)
    assert.equal(reg.markRemovedByPeer(b.peerId), true)
    assert.equal(reg.getDevice(b.peerId)?.status, 'revoked')
    assert.deepEqual(reg.pendingRevocations(), [])
    assert.deepEqual(reg.revokedPeerIds(), [a.peerId, b.peerId].sort())

    rejects(() => reg.markRemovedByPeer('12D3KooWunknown'), 'not-found')
    reg.close()
  })

  test('re-pair after revoke: paired again, revoked_at cleared, outbox cleared, new key', () => {
    const reg = open()
    const p = pairing(10)
    reg.recordPairing(p)
    reg.revoke(p.peerId)
    reg.recordRevocationAttempt(p.peerId)
    const again = reg.recordPairing({ ...p, pairKeySealed: sealed(99), name: 'Renamed' })
    assert.equal(again.status, 'paired')
    const d = reg.getDevice(p.peerId)
    assert.equal(d?.status, 'paired')
    assert.equal(d?.revokedAt, null)
    assert.equal(d?.name, 'Renamed')
    assert.deepEqual(d?.pairKeySealed, sealed(99))
    assert.deepEqual(reg.pendingRevocations(), [])
    assert.deepEqual(reg.revokedPeerIds(), [])
    assert.equal(reg.isTrusted(p.peerId), true)
    const db = new DatabaseSync(file, { readOnly: true })
    assert.equal(db.prepare('SELECT count(*) AS n FROM revocation_outbox').get()?.n, 0)
    db.close()
    const [event] = reg.listEvents({ limit: 1 })
    assert.equal(event?.kind, 'paired')
    assert.equal(event?.details.previousStatus, 'revoked')
    reg.close()
  })

  test('forget clears only a device that removed us; any other status is refused and unchanged', () => {
    const reg = open()
    const [paired, revoked, removed] = [pairing(20), pairing(21), pairing(22)]
    for (const p of [paired, revoked, removed]) reg.recordPairing(p)
    reg.revoke(revoked.peerId)
    reg.markRemovedByPeer(removed.peerId)
    assert.equal(reg.forget(paired.peerId), false)
    assert.equal(reg.forget(revoked.peerId), false, 'a notice may still be owed to a device we revoked')
    assert.equal(reg.getDevice(paired.peerId)?.status, 'paired')
    assert.equal(reg.getDevice(revoked.peerId)?.status, 'revoked')
    assert.equal(reg.forget(removed.peerId), true)
    assert.equal(reg.getDevice(removed.peerId), null)
    assert.equal(reg.listEvents({ limit: 1 })[0]?.kind, 'forgotten')
    assert.equal(reg.forget(removed.peerId), false, 'twice is a no-op')
    reg.close()
  })

  test('re-pair after removed-by-peer works the same way', () => {
    const reg = open()
    const p = pairing(11)
    reg.recordPairing(p)
    reg.markRemovedByPeer(p.peerId)
    reg.recordPairing({ ...p, status: 'pending-confirmation' })
    assert.equal(reg.getDevice(p.peerId)?.status, 'pending-confirmation')
    assert.equal(reg.getDevice(p.peerId)?.revokedAt, null)
    reg.close()
  })

  test('a failure inside a multi-step change rolls all of it back', () => {
    const reg = open()
    const p = pairing(12)
    reg.recordPairing(p)
    // Make the last step of revoke() (its event) fail, from outside the registry.
    const db = new DatabaseSync(file)
    db.exec(
      "CREATE TRIGGER fail_revoked BEFORE INSERT ON events WHEN NEW.kind = 'revoked' BEGIN SELECT RAISE(ABORT, 'injected'); END"
    )
    db.close()
    const before = dump()
    rejects(() => reg.revoke(p.peerId), 'storage-error')
    assert.deepEqual(dump(), before)
    assert.equal(reg.getDevice(p.peerId)?.status, 'paired')
    assert.deepEqual(reg.pendingRevocations(), [])
    // The registry is still usable afterwards.
    assert.equal(reg.confirmPairing(p.peerId), false)
    reg.recordPairing(pairing(13))
    reg.close()
  })
})

describe('queries', () => {
  test('listDevices: newest first, revoked only on request', () => {
    const reg = open()
    for (const n of [1, 2, 3, 4]) reg.recordPairing(pairing(n))
    reg.revoke(pairing(2).peerId)
    reg.markRemovedByPeer(pairing(3).peerId)
    assert.deepEqual(
      reg.listDevices().map((d) => d.peerId),
      [pairing(4).peerId, pairing(1).peerId]
    )
    assert.deepEqual(
      reg.listDevices({ includeRevoked: true }).map((d) => d.peerId),
      [4, 3, 2, 1].map((n) => pairing(n).peerId)
    )
    reg.close()
  })

  test('updatePresence: last seen never moves back; addresses optional', () => {
    const reg = open()
    const p = pairing(1)
    reg.recordPairing(p)
    reg.updatePresence(p.peerId, { lastSeen: 1_800_000_000_000, addresses: ['/ip4/10.0.0.1/tcp/1'] })
    assert.equal(reg.getDevice(p.peerId)?.lastSeen, 1_800_000_000_000)
    assert.deepEqual(reg.getDevice(p.peerId)?.addresses, ['/ip4/10.0.0.1/tcp/1'])
    reg.updatePresence(p.peerId, { lastSeen: 1_750_000_000_000 })
    assert.equal(reg.getDevice(p.peerId)?.lastSeen, 1_800_000_000_000)
    assert.deepEqual(reg.getDevice(p.peerId)?.addresses, ['/ip4/10.0.0.1/tcp/1'])
    reg.updatePresence(p.peerId, { lastSeen: 1_900_000_000_000, addresses: [] })
    assert.deepEqual(reg.getDevice(p.peerId)?.addresses, [])
    rejects(() => reg.updatePresence('12D3KooWunknown', { lastSeen: 1 }), 'not-found')
    reg.close()
  })

  test('logEvent / listEvents: newest first, limit, details round trip', () => {
    const reg = open()
    for (let i = 0; i < 5; i++)
      reg.logEvent('presence-failed', {
        peerId: 'p',
        reason: `r${i}`,
        details: { i, nested: { ok: true, list: [1, 'a', null] } }
      })
    const logged = reg.logEvent('wrong-code', {})
    assert.equal(logged.kind, 'wrong-code')
    const events = reg.listEvents({ limit: 3 })
    assert.equal(events.length, 3)
    assert.deepEqual(events[0], logged)
    assert.equal(events[1]?.reason, 'r4')
    assert.deepEqual(events[1]?.details, { i: 4, nested: { ok: true, list: [1, 'a', null] } })
    assert.equal(events[0]?.peerId, null)
    assert.ok((events[0]?.id ?? 0) > (events[1]?.id ?? 0))
    assert.equal(reg.listEvents().length, 6)
    reg.close()
  })

  test('logEvents: several rows in order, or none when one of them is invalid', () => {
    const reg = open()
    reg.logEvents([
      { kind: 'failed-proofs', input: { details: { count: 2 } } },
      { kind: 'session-ended', input: { reason: 'paired' } }
    ])
    const [last, first] = reg.listEvents({ limit: 2 })
    assert.equal(first?.kind, 'failed-proofs')
    assert.deepEqual(first?.details, { count: 2 })
    assert.equal(last?.kind, 'session-ended')
    assert.equal(last?.reason, 'paired')
    assert.throws(
      () => reg.logEvents([{ kind: 'code-expired' }, { kind: 'Not A Kind' }]),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
    assert.equal(reg.listEvents().length, 2)
    reg.close()
  })

  test('counts: every status, every event kind', () => {
    const reg = open()
    reg.recordPairing(pairing(1))
    reg.recordPairing(pairing(2))
    reg.recordPairing(pairing(3, { status: 'pending-confirmation' }))
    reg.revoke(pairing(2).peerId)
    reg.logEvent('wrong-code')
    assert.deepEqual(reg.counts(), {
      devices: { paired: 1, 'pending-confirmation': 1, revoked: 1, 'removed-by-peer': 0 },
      events: { paired: 2, pending: 1, revoked: 1, 'wrong-code': 1 }
    })
    reg.close()
  })
})

describe('durability and validation', () => {
  test('reopen after close keeps everything', () => {
    let reg = open()
    reg.setThisDevice({ peerId: 'me', name: 'Laptop', os: 'linux' })
    reg.recordPairing(pairing(1))
    reg.recordPairing(pairing(2, { status: 'pending-confirmation' }))
    reg.recordPairing(pairing(3))
    reg.revoke(pairing(3).peerId)
    reg.recordRevocationAttempt(pairing(3).peerId)
    reg.updatePresence(pairing(1).peerId, { lastSeen: 1_800_000_000_000 })
    reg.logEvent('wrong-code', { reason: 'proof mismatch' })
    const snapshot = {
      me: reg.getThisDevice(),
      devices: reg.listDevices({ includeRevoked: true }),
      events: reg.listEvents({ limit: 1000 }),
      pending: reg.pendingRevocations(),
      revoked: reg.revokedPeerIds(),
      counts: reg.counts()
    }
    reg.close()

    reg = open()
    assert.deepEqual(
      {
        me: reg.getThisDevice(),
        devices: reg.listDevices({ includeRevoked: true }),
        events: reg.listEvents({ limit: 1000 }),
        pending: reg.pendingRevocations(),
        revoked: reg.revokedPeerIds(),
        counts: reg.counts()
      },
      snapshot
    )
    assert.equal(reg.isTrusted(pairing(1).peerId), true)
    assert.equal(reg.isTrusted(pairing(3).peerId), false)
    reg.close()
  })

  test('rejected bad input throws invalid-argument and changes nothing', () => {
    const reg = open()
    reg.setThisDevice({ peerId: 'me', name: 'Laptop', os: 'linux' })
    reg.recordPairing(pairing(1))
    reg.recordPairing(pairing(2, { status: 'pending-confirmation' }))
    const before = dump()
    const id = pairing(1).peerId
    const bad: Array<() => unknown> = [
      () => reg.recordPairing(pairing(3, { peerId: '' })),
      () => reg.recordPairing(pairing(3, { name: 'x'.repeat(65) })),
      () => reg.recordPairing(pairing(3, { name: '' })),
      () =>
        reg.recordPairing(pairing(3, { addresses: Array.from({ length: 33 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) })),
      () => reg.recordPairing(pairing(3, { addresses: ['x'.repeat(257)] })),
      () => reg.recordPairing(pairing(3, { addresses: [42 as unknown as string] })),
      () => reg.recordPairing(pairing(3, { addresses: 'not-an-array' as unknown as string[] })),
      () => reg.recordPairing(pairing(3, { pairKeySealed: new Uint8Array(0) })),
      () => reg.recordPairing(pairing(3, { pairKeySealed: 'secret' as unknown as Uint8Array })),
      () => reg.recordPairing(pairing(3, { status: 'revoked' as unknown as 'paired' })),
      () => reg.recordPairing(pairing(1, { name: 'y'.repeat(100) })),
      () => reg.setThisDevice({ peerId: 'me', name: 'z'.repeat(65), os: 'linux' }),
      () => reg.setThisDevice({ peerId: '', name: 'Laptop', os: 'linux' }),
      () => reg.confirmPairing(''),
      () => reg.dropPending(pairing(2).peerId, ''),
      () => reg.revoke(''),
      () => reg.markRemovedByPeer(''),
      () => reg.updatePresence(id, { lastSeen: -1 }),
      () => reg.updatePresence(id, { lastSeen: 1.5 }),
      () => reg.updatePresence(id, { lastSeen: 1, addresses: ['ok', ''] }),
      () => reg.logEvent('Bad Kind'),
      () => reg.logEvent('leak', { details: { key: sealed(1) } }),
      () => reg.logEvent('leak', { details: { nested: [Buffer.from('secret')] } }),
      () => reg.logEvent('big', { details: { blob: 'x'.repeat(5000) } }),
      () => reg.logEvent('odd', { details: { when: new Date() } }),
      () => reg.listEvents({ limit: 0 }),
      () => reg.getDevice(undefined as unknown as string),
      () => reg.isTrusted('')
    ]
    for (const [i, call] of bad.entries()) {
      const err = rejects(call, 'invalid-argument')
      assert.ok(err.message.length > 0, `case ${i}`)
    }
    assert.deepEqual(dump(), before)
    // A 64-character name in a non-Latin script is within the limit.
    reg.recordPairing(pairing(4, { name: 'ü'.repeat(64) }))
    reg.close()
  })

  test('events never contain the pair key bytes', () => {
    const reg = open()
    const key = Uint8Array.from({ length: 64 }, (_, i) => (i * 73 + 19) & 0xff)
    const p = pairing(1, { pairKeySealed: key, status: 'pending-confirmation' })
    reg.setThisDevice({ peerId: 'me', name: 'Laptop', os: 'linux' })
    reg.recordPairing(p)
    reg.confirmPairing(p.peerId)
    reg.updatePresence(p.peerId, { lastSeen: 1_800_000_000_000 })
    reg.revoke(p.peerId)
    reg.recordRevocationAttempt(p.peerId)
    reg.markRevocationDelivered(p.peerId)
    reg.recordPairing({ ...p, status: 'paired' })
    reg.markRemovedByPeer(p.peerId)
    reg.recordPairing({ ...p, status: 'pending-confirmation' })
    reg.dropPending(p.peerId, 'ack-timeout')
    reg.close()

    const buf = Buffer.from(key)
    const needles = [
      buf.toString('hex'),
      buf.toString('hex').toUpperCase(),
      buf.toString('base64'),
      buf.toString('base64url'),
      buf.toString('latin1'),
      Array.from(key).join(',')
    ]
    const db = new DatabaseSync(file, { readOnly: true })
    const rows = db.prepare('SELECT * FROM events').all()
    db.close()
    assert.deepEqual(
      rows.map((r) => r.kind),
      [
        'pending',
        'confirmed',
        'revoked',
        'revocation-delivered',
        'paired',
        'removed-by-peer',
        'pending',
        'pending-dropped'
      ]
    )
    for (const row of rows) {
      for (const value of Object.values(row)) {
        assert.ok(!(value instanceof Uint8Array), 'no blobs in events')
        const s = String(value)
        for (const needle of needles) assert.ok(!s.includes(needle), `event ${String(row.kind)} contains key bytes`)
        // Any 8-byte window of the key, in case some encoding split it.
        for (let i = 0; i + 8 <= key.length; i += 8) assert.ok(!s.includes(buf.subarray(i, i + 8).toString('hex')))
      }
    }
  })
})
