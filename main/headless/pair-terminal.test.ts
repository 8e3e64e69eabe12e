// `pairwise pair` in a real 80×24 terminal (tmux): the 12 words and the link
// stay on the screen, the status line never wraps and keeps its countdown, and
// the QR code appears only when it fits (or with --qr, above the words).
// The captured screens go to test-artifacts/ for people to look at.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { TmuxTerminal, type TerminalSize } from '../../test-support/tmux-terminal.ts'
import { terminalSuite } from '../../test-support/cli.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(ROOT, 'bin', 'pairwise.mjs')
const ARTIFACTS = join(ROOT, 'test-artifacts')
const ENV = { ...process.env, PAIRWISE_CLI: 'source', PAIRWISE_BOOTSTRAP: '' }
const NET = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--loopback']
const { temp, terminals, skip } = terminalSuite('pair-terminal')

/** How the status line ends: a countdown. Not just " left", which is also a word of the list (word 11 once ended a line of the grid). */
const COUNTDOWN_END = /\d:\d\d left$/

/** Runs `pair` until its status line shows, returns the screen, then cancels it with Ctrl-C. */
async function pairScreen(size: TerminalSize, extra: string[], artifact: string) {
  const term = TmuxTerminal.start(
    [process.execPath, BIN, 'pair', '--data-dir', temp.make(), ...NET, ...extra],
    size,
    ENV
  )
  terminals.push(term)
  await term.waitFor('the status line with its countdown', (s) => /\d:\d\d left$/m.test(s))
  const rows = term.rows()
  const lines = term.screen()
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(join(ARTIFACTS, artifact), `${rows.join('\n')}\n`)
  term.send('C-c')
  assert.equal(await term.waitForExit(), 5, 'Ctrl-C cancels the code (exit 5, code-cancelled)')
  return { rows, lines }
}

function checkCodeVisible(lines: string[], cols: number): void {
  const link = lines.find((l) => l.startsWith('pairwise://') || l.startsWith('  pairwise://'))?.trim()
  assert.ok(link !== undefined, `the link is on the screen:\n${lines.join('\n')}`)
  const fromLink = /code=([a-z-]+)&/.exec(link)?.[1]?.split('-')
  assert.equal(fromLink?.length, 12, `the whole link is visible: ${link}`)
  const numbered = new Map<number, string>()
  for (const line of lines) for (const m of line.matchAll(/(\d+)\. ([a-z]+)/g)) numbered.set(Number(m[1]), m[2]!)
  assert.deepEqual(
    [...numbered.keys()].sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    'all 12 numbered words are visible'
  )
  assert.deepEqual(
    fromLink,
    Array.from({ length: 12 }, (_, i) => numbered.get(i + 1)),
    'the grid and the link agree'
  )
  // The link is one unbroken token on purpose (copying a soft-wrapped line keeps it whole); every other line fits.
  for (const line of lines)
    if (!line.includes('pairwise://')) assert.ok([...line].length <= cols, `wider than ${cols}: “${line}”`)
  const status = lines.filter((l) => COUNTDOWN_END.test(l))
  assert.equal(status.length, 1, `one status line, no stale wrapped copies:\n${lines.join('\n')}`)
  assert.match(status[0]!, / · \d+:\d\d left$/, 'the countdown is whole')
  assert.ok([...status[0]!].length < cols, 'the status line leaves the last column free')
}

describe('pairwise pair in a small terminal', { timeout: 240_000, skip }, () => {
  it('80×24: no QR code (it would not fit), words, link and a whole countdown on screen', async () => {
    const { lines } = await pairScreen({ cols: 80, rows: 24 }, [], 'pair-80x24.txt')
    checkCodeVisible(lines, 80)
    assert.ok(
      lines.some((l) => l.startsWith('No QR code')),
      'says why there is no QR code'
    )
  })

  it('80×24 with --qr: the QR code is printed first, so the words and link stay visible', async () => {
    const { lines } = await pairScreen({ cols: 80, rows: 24 }, ['--qr'], 'pair-80x24-qr.txt')
    checkCodeVisible(lines, 80)
  })

  it('a 120×60 terminal has room for the QR code; a 48-column one cuts the status, never the countdown', async () => {
    const tall = await pairScreen({ cols: 120, rows: 60 }, [], 'pair-120x60.txt')
    checkCodeVisible(tall.lines, 120)
    assert.ok(
      tall.lines.some((l) => /[▀▄█]{10}/.test(l)),
      'the QR code is shown'
    )
    const narrow = await pairScreen({ cols: 48, rows: 40 }, ['--no-qr'], 'pair-48x40.txt')
    const status = narrow.lines.filter((l) => COUNTDOWN_END.test(l))
    assert.equal(status.length, 1, narrow.lines.join('\n'))
    assert.match(status[0]!, /… · \d+:\d\d left$/)
    assert.ok([...status[0]!].length < 48)
  })
})
