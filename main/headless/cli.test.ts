// `pairwise` end to end as child processes: separate data folders, loopback
// only, no mDNS. A `pairwise node` is the DHT both devices bootstrap from.
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { eventually } from '../../test-support/eventually.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(ROOT, 'bin', 'pairwise.mjs')
const NET = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--loopback']
// Always the sources under test, never a bundle built earlier.
const ENV = { ...process.env, PAIRWISE_CLI: 'source', PAIRWISE_BOOTSTRAP: '' }

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

const children = new Set<ChildProcess>()
const temp = new TempDirs('cli')

after(() => {
  for (const child of children) child.kill('SIGKILL')
  temp.removeAll()
})

const tempDir = (name: string): string => temp.make(name)

/** A running `pairwise …`, with its output so far and a way to wait for a line. */
function start(args: string[], node = process.execPath) {
  const child = spawn(node, [BIN, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  const out = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c))
  const exited = new Promise<Run>((resolve) => {
    child.on('close', (code) => {
      children.delete(child)
      resolve({ code, ...out })
    })
  })
  return {
    child,
    out,
    exited,
    /** The first stdout line that satisfies `match`, within `ms`. */
    async line<T>(match: (line: string) => T | undefined, ms: number): Promise<T> {
      const noLine = () =>
        `expected output from pairwise ${args[0]} (exit ${child.exitCode}):\n${out.stdout}\n${out.stderr}`
      const firstMatch = (): T | undefined => {
        for (const l of out.stdout.split('\n')) {
          const found = l === '' ? undefined : match(l)
          if (found !== undefined) return found
        }
        // An exited process prints nothing more: fail now rather than at the timeout.
        if (child.exitCode !== null) throw new Error(`no ${noLine()}`)
        return undefined
      }
      return eventually(noLine, firstMatch, { timeoutMs: ms, intervalMs: 25 })
    }
  }
}

/** Runs to completion, killed after `ms`. */
async function run(args: string[], ms = 20_000, node?: string): Promise<Run> {
  const p = start(args, node)
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms)
  try {
    return await p.exited
  } finally {
    clearTimeout(timer)
  }
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}

function json(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}

describe('pairwise CLI', { timeout: 60_000 }, () => {
  it('--version prints the package version, --help the commands and exit codes', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    const v = await run(['--version'])
    assert.equal(v.code, 0)
    assert.equal(v.stdout.trim(), version)
    const h = await run(['--help'])
    assert.equal(h.code, 0)
    assert.match(h.stdout, /^ {2}join \[words…\]/m)
    assert.match(h.stdout, /8 +data-dir-locked/)
    const bad = await run(['pair', '--ttl', '11'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^pairwise: --ttl must be/m)
    assert.match(bad.stderr, /^hint: /m)
  })

  it(
    're-executes with the project Node when started by an older Node',
    { skip: oldSystemNode() === undefined ? 'no Node < 22 on PATH' : false },
    async () => {
      const v = await run(['--version'], 20_000, oldSystemNode())
      assert.equal(v.code, 0, v.stderr)
      assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+/)
    }
  )

  it('a mistyped word exits 3 with its position and the suggestion, before any network starts', async () => {
    const dataDir = tempDir('typo')
    const words = 'abandon abandon abandonn abandon abandon abandon abandon abandon abandon abandon abandon about'
    const r = await run(['join', ...words.split(' '), '--data-dir', dataDir, ...NET])
    assert.equal(r.code, 3)
    assert.match(r.stderr, /Word 3 “abandonn” is not a pairing word\. Did you mean “abandon”\?/)
    assert.ok(!existsSync(join(dataDir, 'identity.key')), 'no device key was created for a code that cannot work')
    const j = await run(['join', ...words.split(' '), '--json', '--data-dir', dataDir])
    assert.equal(j.code, 3)
    const result = lastJson(j.stdout) as {
      ok: boolean
      error: { code: string; details: { invalidWords: Array<{ position: number; suggestions: string[] }> } }
    }
    assert.equal(result.ok, false)
    assert.equal(result.error.code, 'invalid-word')
    assert.deepEqual(
      result.error.details.invalidWords.map((w) => [w.position, w.suggestions[0]]),
      [[3, 'abandon']]
    )
  })

  it('pair and join pair two data folders; devices lists each in the other; a locked folder exits 8', async () => {
    const dirA = tempDir('a')
    const dirB = tempDir('b')
    const bootstrap = await dhtNode()

    const pair = start([
      'pair',
      '--json',
      '--ttl',
      '2',
      '--name',
      'Alpha',
      '--data-dir',
      dirA,
      '--bootstrap',
      bootstrap,
      ...NET
    ])
    const session = await sessionOf(pair)
    assert.ok(
      session.multiaddrs.some((a) => a.startsWith('/ip4/127.0.0.1/') && a.includes('/p2p/')),
      `pair printed its multiaddrs: ${session.multiaddrs.join(' ')}`
    )

    // While `pair` owns folder A, another process cannot start a node on it (no daemon to talk to)…
    const locked = await run(['pair', '--data-dir', dirA, ...NET])
    assert.equal(locked.code, 8, locked.stderr)
    assert.match(locked.stderr, /^pairwise: Another Pairwise process \(pid \d+\) is using /m)
    assert.match(locked.stderr, /^hint: /m)
    // …but `devices` needs no node: it reads the registry beside it.
    const listed = await run(['devices', '--data-dir', dirA, ...NET])
    assert.equal(listed.code, 0, listed.stderr)

    const join = await run(
      ['join', ...session.words, '--json', '--name', 'Bravo', '--data-dir', dirB, '--bootstrap', bootstrap, ...NET],
      30_000
    )
    assert.equal(join.code, 0, join.stdout + join.stderr)
    const joined = lastJson(join.stdout) as { ok: boolean; device: { name: string; status: string } }
    assert.equal(joined.ok, true)
    assert.equal(joined.device.name, 'Alpha')
    assert.ok(
      join.stdout.split('\n').some((l) => json(l)?.type === 'progress'),
      'join reported progress'
    )

    const paired = await pair.exited
    assert.equal(paired.code, 0, paired.stdout + paired.stderr)
    assert.equal((lastJson(paired.stdout) as { device: { name: string } }).device.name, 'Bravo')
    // The code never reaches stderr (logs). Checked as the whole phrase: single BIP39 words such as
    // "account" or "file" also occur in ordinary notices.
    for (const stream of [paired.stderr, join.stderr]) {
      assert.ok(!stream.includes(session.words.join(' ')), 'the code did not go to stderr')
      assert.ok(!stream.includes(session.words.join('-')), 'the link did not go to stderr')
    }

    const [listA, listB] = await Promise.all([
      run(['devices', '--json', '--data-dir', dirA, ...NET]),
      run(['devices', '--json', '--data-dir', dirB, ...NET])
    ])
    assert.equal(listA.code, 0, listA.stderr)
    assert.equal(listB.code, 0, listB.stderr)
    assert.deepEqual(devicesIn(listA.stdout), [['Bravo', 'paired']])
    assert.deepEqual(devicesIn(listB.stdout), [['Alpha', 'paired']])
  })

  it('a running daemon serves the other commands (pair, devices, rename, revoke) and stops cleanly', async () => {
    const dir = tempDir('daemon')
    const bootstrap = await dhtNode()
    const daemon = start(['daemon', '--json', '--name', 'Delta', '--data-dir', dir, '--bootstrap', bootstrap, ...NET])
    await daemon.line((l) => (json(l)?.type === 'ready' ? true : undefined), 15_000)
    assert.ok(existsSync(join(dir, 'daemon.json')))

    const renamed = await run(['rename', 'Delta', 'Two', '--json', '--data-dir', dir])
    assert.equal(renamed.code, 0, renamed.stderr)
    assert.equal((lastJson(renamed.stdout) as { thisDevice: { name: string } }).thisDevice.name, 'Delta Two')

    // The code comes from the daemon's node; the joiner runs its own.
    const pair = start(['pair', '--json', '--data-dir', dir])
    const session = await sessionOf(pair)
    assert.equal(session.via, 'daemon')
    const joined = await run(
      [
        'join',
        ...session.words,
        '--json',
        '--name',
        'Echo',
        '--data-dir',
        tempDir('echo'),
        '--bootstrap',
        bootstrap,
        ...NET
      ],
      30_000
    )
    assert.equal(joined.code, 0, joined.stdout + joined.stderr)
    assert.equal((lastJson(joined.stdout) as { device: { name: string } }).device.name, 'Delta Two')
    assert.equal((await pair.exited).code, 0)

    const list = await run(['devices', '--json', '--data-dir', dir])
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(devicesIn(list.stdout), [['Echo', 'paired']])
    const unknown = await run(['revoke', 'Nobody', '--data-dir', dir])
    assert.equal(unknown.code, 7)
    assert.match(unknown.stderr, /No device is called “Nobody”.*Known devices: Echo/)
    const revoked = await run(['revoke', 'echo', '--json', '--data-dir', dir])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.equal((lastJson(revoked.stdout) as { device: { status: string } }).device.status, 'revoked')

    daemon.child.kill('SIGTERM')
    const stopped = await daemon.exited
    assert.equal(stopped.code, 0, stopped.stderr)
    assert.ok(!stopped.stdout.includes(session.words.join('","')), 'the daemon did not log the code')
    assert.ok(!existsSync(join(dir, 'daemon.json')), 'daemon.json removed on exit')
    assert.ok(!existsSync(join(dir, 'pairwise.lock')), 'lock released on exit')
  })
})

let sharedDht: Promise<string> | undefined

/** One `pairwise node` for the whole file: the DHT both sides of each pairing bootstrap from. */
function dhtNode(): Promise<string> {
  sharedDht ??= (async () => {
    const node = start(['node', '--data-dir', tempDir('dht'), ...NET])
    // The banner names the one address devices paste into --bootstrap.
    return node.line((l) => /^\s+--bootstrap (\/ip4\/127\.0\.0\.1\/\S+)$/.exec(l)?.[1], 15_000)
  })()
  return sharedDht
}

async function sessionOf(
  pair: ReturnType<typeof start>
): Promise<{ words: string[]; multiaddrs: string[]; via: string }> {
  const session = await pair.line((l) => {
    const j = json(l)
    return j?.type === 'session' ? (j as { words: string[]; multiaddrs: string[]; via: string }) : undefined
  }, 15_000)
  assert.equal(session.words.length, 12)
  return session
}

function devicesIn(stdout: string): Array<[string, string]> {
  return (lastJson(stdout) as { devices: Array<{ name: string; status: string }> }).devices.map((d) => [
    d.name,
    d.status
  ])
}

function oldSystemNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue
    const r = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 5_000 })
    const major = Number((r.stdout ?? '').split('.')[0])
    if (r.status === 0 && major > 0 && major < 22) return candidate
  }
  return undefined
}
