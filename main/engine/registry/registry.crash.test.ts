// Kills a process in the middle of registry writes (SIGKILL: no cleanup, no flush) and
// checks that every multi-step change is all-or-nothing. Each invariant below is one
// that a change split across two transactions would break at some kill point.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { Registry } from './registry.ts'

const CHILD = fileURLToPath(new URL('../../../test-support/engine/registry-crash-child.ts', import.meta.url))
// Progress lines to wait for before each kill: from "right after the first commit" to deep into a run.
const KILL_AFTER_LINES = [1, 5, 37, 120, 260, 700, 1100, 2900]
const CHILD_MAX_OPS = 50_000 // the child stops by itself long before this in practice
const CHILD_MAX_MS = 6000
const RUN_DEADLINE_MS = 3000 // kill anyway if the machine is slow

const temp = new TempDirs('reg-crash')
let file: string

before(() => {
  file = path.join(temp.make(), 'registry.sqlite')
})

after(temp.removeAll)

interface RunResult {
  tag: string
  lines: string[]
  signal: NodeJS.Signals | null
  code: number | null
  stderr: string
}

// Killing the moment a line arrives tends to hit the step right after that line; a small,
// varying delay spreads the kills over every kind of step.
function runAndKill(tag: string, killAfter: number, delayMs: number): Promise<RunResult> {
  const env = { ...process.env }
  delete env.NODE_TEST_CONTEXT // the child is a plain script, not a test file
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', CHILD, file, tag, String(CHILD_MAX_OPS), String(CHILD_MAX_MS)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env
    }
  )
  const lines: string[] = []
  let partial = ''
  let stderr = ''
  let progress = 0
  const kill = () => child.kill('SIGKILL')
  const timer = setTimeout(kill, RUN_DEADLINE_MS)
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      if (line !== 'ready' && ++progress === killAfter) {
        if (delayMs === 0) kill()
        else setTimeout(kill, delayMs)
      }
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 10_000) stderr += chunk
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ tag, lines, signal, code, stderr })
    })
  })
}

function checkInvariants(runs: RunResult[]): { devices: number } {
  // Open through the registry first: recovery from the hot WAL and migrations must work after a kill.
  Registry.open(file).close()

  const db = new DatabaseSync(file, { readOnly: true })
  try {
    assert.equal(db.prepare('PRAGMA integrity_check').get()?.integrity_check, 'ok')
    assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), [])

    const devices = db.prepare('SELECT peer_id, name, status, revoked_at FROM devices').all()
    const events = db.prepare('SELECT kind, peer_id, details FROM events').all()
    const outbox = new Map(
      db
        .prepare('SELECT peer_id, delivered_at FROM revocation_outbox')
        .all()
        .map((r) => [r.peer_id as string, r.delivered_at])
    )

    const eventsByPeer = new Map<string, { kind: string; details: Record<string, unknown> }[]>()
    for (const e of events) {
      const list = eventsByPeer.get(e.peer_id as string) ?? []
      list.push({ kind: e.kind as string, details: JSON.parse(e.details as string) as Record<string, unknown> })
      eventsByPeer.set(e.peer_id as string, list)
    }
    const deviceByPeer = new Map(devices.map((d) => [d.peer_id as string, d]))

    // Each recordPairing wrote its device AND its event, or neither: match them by sequence number both ways.
    const recordedEvents = events.filter((e) => e.kind === 'paired' || e.kind === 'pending')
    assert.equal(recordedEvents.length, devices.length, 'one pairing event per device row')
    for (const e of recordedEvents) {
      const d = deviceByPeer.get(e.peer_id as string)
      assert.ok(d !== undefined, `event without device: ${String(e.peer_id)}`)
      assert.equal((JSON.parse(e.details as string) as { name: unknown }).name, d.name)
    }

    for (const d of devices) {
      const peerId = d.peer_id as string
      const mine = eventsByPeer.get(peerId) ?? []
      const count = (kind: string) => mine.filter((e) => e.kind === kind).length
      assert.equal(count('paired') + count('pending'), 1, `${peerId}: exactly one pairing event`)
      assert.equal(
        mine.find((e) => e.kind === 'paired' || e.kind === 'pending')?.details.name,
        d.name,
        `${peerId}: seq in name matches the event`
      )

      const wasPending = count('pending') === 1
      if (d.status === 'pending-confirmation')
        assert.equal(count('confirmed'), 0, `${peerId}: still pending but confirmed`)
      if (d.status === 'paired' && wasPending)
        assert.equal(count('confirmed'), 1, `${peerId}: confirmed without its event`)
      assert.ok(count('confirmed') <= 1)

      const revoked = d.status === 'revoked'
      assert.equal(count('revoked'), revoked ? 1 : 0, `${peerId}: revoked status and 'revoked' event disagree`)
      assert.equal(outbox.has(peerId), revoked, `${peerId}: revoked status and outbox row disagree`)
      assert.equal(d.revoked_at !== null, revoked, `${peerId}: revoked_at`)
      if (revoked) {
        assert.equal(
          count('revocation-delivered'),
          outbox.get(peerId) === null ? 0 : 1,
          `${peerId}: delivery and its event disagree`
        )
      }
    }
    for (const peerId of outbox.keys()) assert.ok(deviceByPeer.has(peerId), `outbox row without device: ${peerId}`)

    // Durability and "nothing lost, nothing invented" per run: every printed step committed,
    // and the sequence numbers of committed pairings are gap-free, at most one past the last printed.
    for (const run of runs) {
      const printed = (op: string) => run.lines.filter((l) => l.startsWith(op + ' ')).map((l) => Number(l.slice(2)))
      const recorded = printed('R')
      const seqs = devices
        .map((d) => /^seq:([^:]+):(\d+)$/.exec(d.name as string))
        .filter((m) => m !== null && m[1] === run.tag)
        .map((m) => Number(m?.[2]))
        .sort((a, b) => a - b)
      seqs.forEach((s, i) => assert.equal(s, i, `run ${run.tag}: gap in committed pairings`))
      const lastPrinted = recorded.length === 0 ? -1 : Math.max(...recorded)
      assert.ok(seqs.length - 1 >= lastPrinted, `run ${run.tag}: a printed pairing was lost`)
      assert.ok(seqs.length - 1 <= lastPrinted + 1, `run ${run.tag}: more pairings than were ever started`)
      for (const i of printed('C')) {
        assert.equal((eventsByPeer.get(`crash-${run.tag}-${i}`) ?? []).filter((e) => e.kind === 'confirmed').length, 1)
      }
      for (const i of printed('V')) assert.equal(deviceByPeer.get(`crash-${run.tag}-${i}`)?.status, 'revoked')
      for (const i of printed('D')) assert.notEqual(outbox.get(`crash-${run.tag}-${i}`), null)
    }
    return { devices: devices.length }
  } finally {
    db.close()
  }
}

test('SIGKILL during registry writes never leaves a half-applied change', { timeout: 20_000 }, async () => {
  const runs: RunResult[] = []
  for (const [r, killAfter] of KILL_AFTER_LINES.entries()) {
    const run = await runAndKill(`r${r}`, killAfter, r % 3)
    assert.equal(run.signal, 'SIGKILL', `run ${r} was not killed (exit ${String(run.code)}): ${run.stderr}`)
    assert.equal(run.lines[0], 'ready', `run ${r} did not start: ${run.stderr}`)
    runs.push(run)
    // Check after every run: the next child then starts from a recovered, checked database.
    checkInvariants(runs)
  }
  const { devices } = checkInvariants(runs)
  assert.ok(devices > KILL_AFTER_LINES.length, 'the children made progress')
})
