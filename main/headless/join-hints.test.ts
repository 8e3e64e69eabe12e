// What `pairwise join` says when a code is over, run as child processes: the
// hint names what to do on either front end the other device may run, and a
// code this device itself used is never blamed on "another device".
// A `pairwise node` is the DHT; Alpha is a daemon whose codes live 1 minute.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { LOOPBACK_NET, jsonLine, runCli, startCli, type RunningCli } from '../../test-support/cli.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const temp = new TempDirs('join-hints')
const NET = LOOPBACK_NET

interface Failure {
  code: number | null
  error: { code: string; message: string; hint?: string }
  stderr: string
}

describe('pairwise join: hints that fit the situation', { timeout: 115_000 }, () => {
  let node: RunningCli
  let alpha: RunningCli
  let bootstrap: string
  const alphaDir = temp.make('alpha')
  const bravoDir = temp.make('bravo')

  const showCode = async (): Promise<{ words: string[]; pair: RunningCli }> => {
    const pair = startCli(['pair', '--json', '--data-dir', alphaDir])
    const words = await pair.line((l) => {
      const j = jsonLine(l)
      return j?.type === 'session' ? (j.words as string[]) : undefined
    }, 15_000)
    return { words, pair }
  }

  const join = async (dir: string, words: string[], json = true): Promise<Failure> => {
    const r = await runCli(
      ['join', ...words, ...(json ? ['--json'] : []), '--data-dir', dir, '--bootstrap', bootstrap, ...NET],
      45_000
    )
    const last = json ? jsonLine(r.stdout.trim().split('\n').pop() ?? '') : undefined
    return { code: r.code, error: (last?.error ?? {}) as Failure['error'], stderr: r.stderr }
  }

  before(async () => {
    node = startCli(['node', '--data-dir', temp.make('dht'), ...NET])
    bootstrap = await node.line((l) => /^\s+--bootstrap (\/ip4\/127\.0\.0\.1\/\S+)$/.exec(l)?.[1], 15_000)
    alpha = startCli([
      'daemon',
      '--json',
      '--ttl',
      '1',
      '--name',
      'Alpha',
      '--data-dir',
      alphaDir,
      '--bootstrap',
      bootstrap,
      ...NET
    ])
    await alpha.line((l) => (jsonLine(l)?.type === 'ready' ? true : undefined), 20_000)
  })

  after(async () => {
    await alpha?.stop()
    await node?.stop()
    temp.removeAll()
  })

  it('joining again with the code that paired this device says so, not "used to pair another device"', async () => {
    const { words, pair } = await showCode()
    const first = await runCli(
      ['join', ...words, '--json', '--name', 'Bravo', '--data-dir', bravoDir, '--bootstrap', bootstrap, ...NET],
      45_000
    )
    assert.equal(first.code, 0, first.stdout + first.stderr)
    assert.equal((await pair.exited).code, 0)

    const again = await join(bravoDir, words)
    assert.equal(again.code, 5, JSON.stringify(again))
    assert.equal(again.error.code, 'code-used')
    assert.equal(again.error.message, 'This code already paired this device with “Alpha”.')
    assert.doesNotMatch(`${again.error.message} ${again.error.hint}`, /another device/)

    // A device that never used the code is not told it paired.
    const stranger = await join(temp.make('charlie'), words)
    assert.equal(stranger.code, 5, JSON.stringify(stranger))
    assert.equal(stranger.error.message, 'This code was already used to pair another device.')
  })

  it('an expired code asks for a new one in words that fit the desktop app and the CLI', async () => {
    const { words, pair } = await showCode()
    // The code lives one minute (--ttl 1); `pair` ends when it expires.
    const ended = await pair.exited
    assert.equal(ended.code, 5, ended.stdout + ended.stderr)
    const expired = await join(bravoDir, words, false)
    assert.equal(expired.code, 5, expired.stderr)
    assert.match(expired.stderr, /^pairwise: This code has expired\.$/m)
    const hint = /^hint: (.*)$/m.exec(expired.stderr)?.[1] ?? ''
    assert.match(hint, /`pairwise pair`/, 'a CLI user is told the command')
    assert.match(hint, /"New code"/, 'a desktop user is told the button')
    assert.doesNotMatch(hint, /^Click "New code"/)
  })
})
