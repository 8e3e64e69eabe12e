// `pairwise join` with two words swapped, as read aloud: no dead end. The CLI
// shows the likely slips, passes the words on, and the engine finds the
// waiting code among the close variants; the result says what was fixed.
// Child processes on 127.0.0.1, a `pairwise node` as the DHT.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { parseCode } from '../../shared/code/index.ts'
import { LOOPBACK_NET, jsonLine, runCli, startCli, type RunningCli } from '../../test-support/cli.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const temp = new TempDirs('join-typo')
const running: RunningCli[] = []
after(async () => {
  await Promise.all(running.map((r) => r.stop()))
  temp.removeAll()
})

function start(args: string[]): RunningCli {
  const cli = startCli(args)
  running.push(cli)
  return cli
}

/** The first neighbours whose swap breaks the checksum (a swap that still fits is tested in the engine). */
function swapThatShows(words: readonly string[]): { typed: string[]; at: number } {
  for (let i = 0; i + 1 < words.length; i++) {
    if (words[i] === words[i + 1]) continue
    const typed = [...words]
    ;[typed[i], typed[i + 1]] = [words[i + 1]!, words[i]!]
    if (!parseCode(typed.join(' ')).ok) return { typed, at: i + 1 }
  }
  throw new Error(`no neighbour swap breaks the checksum of ${words.length} words`)
}

describe('pairwise join with a slip in the words', { timeout: 120_000 }, () => {
  it('two swapped words: the likely slips are shown, the join pairs, and the result says what was fixed', async () => {
    const node = start(['node', '--data-dir', temp.make('dht'), ...LOOPBACK_NET])
    const bootstrap = await node.line((l) => /^\s+--bootstrap (\/ip4\/127\.0\.0\.1\/\S+)$/.exec(l)?.[1], 15_000)
    const pair = start([
      'pair',
      '--json',
      '--name',
      'Alpha',
      '--data-dir',
      temp.make('a'),
      '--bootstrap',
      bootstrap,
      ...LOOPBACK_NET
    ])
    const session = await pair.line((l) => {
      const j = jsonLine(l)
      return j?.type === 'session' ? (j as { words: string[] }) : undefined
    }, 15_000)
    const { typed, at } = swapThatShows(session.words)
    const slip = `words ${at} and ${at + 1} were swapped`

    const join = await runCli(
      ['join', ...typed, '--name', 'Bravo', '--data-dir', temp.make('b'), '--bootstrap', bootstrap, ...LOOPBACK_NET],
      60_000
    )
    assert.equal(join.code, 0, join.stdout + join.stderr)
    assert.match(join.stderr, /^pairwise: These 12 words do not fit together/m)
    assert.match(join.stderr, new RegExp(`^Likely: .*Swap words ${at} and ${at + 1}`, 'm'))
    assert.match(join.stderr, /^Pairwise will check the close variants/m)
    assert.match(join.stdout, new RegExp(`^  Corrected: ${slip}$`, 'm'))
    assert.match(join.stdout, new RegExp(`^Paired with Alpha \\(.*\\) — ${slip}\\.$`, 'm'))
    const paired = await pair.exited
    assert.equal(paired.code, 0, paired.stdout + paired.stderr)
    assert.ok(!join.stderr.includes(session.words.join(' ')), 'the code itself never goes to stderr')
  })
})
