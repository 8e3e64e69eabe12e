// Ctrl-C or Ctrl-D at the `pairwise join` prompt, typed into a real terminal
// (tmux, 80×24): a cancellation with its own exit status, never "internal".
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { TmuxTerminal } from '../../test-support/tmux-terminal.ts'
import { terminalSuite } from '../../test-support/cli.ts'

const BIN = fileURLToPath(new URL('../../bin/pairwise.mjs', import.meta.url))
const ENV = { ...process.env, PAIRWISE_CLI: 'source', PAIRWISE_BOOTSTRAP: '' }
const SIZE = { cols: 80, rows: 24 }
const { temp, terminals, skip } = terminalSuite('join-prompt')

async function cancelAtPrompt(key: 'C-c' | 'C-d', json: boolean): Promise<{ status: number; screen: string }> {
  const args = ['join', '--no-mdns', '--data-dir', temp.make(), ...(json ? ['--json'] : [])]
  const term = TmuxTerminal.start([process.execPath, BIN, ...args], SIZE, ENV)
  terminals.push(term)
  await term.waitFor('the prompt', (s) => s.includes('Enter the 12 words'))
  term.send('abandon ability', true)
  term.send(key === 'C-d' ? 'C-u' : 'C-c' /* Ctrl-D ends input only on an empty line */)
  if (key === 'C-d') term.send('C-d')
  const status = await term.waitForExit()
  return { status, screen: term.screen().join('\n') }
}

describe('pairwise join prompt', { timeout: 120_000, skip }, () => {
  it('Ctrl-C cancels: "Cancelled.", exit 130', async () => {
    const { status, screen } = await cancelAtPrompt('C-c', false)
    assert.equal(status, 130, screen)
    assert.match(screen, /^Cancelled\.$/m)
    assert.doesNotMatch(screen, /went wrong|internal/i)
  })

  it('Ctrl-D cancels the same way; with --json the result says "cancelled"', async () => {
    const { status, screen } = await cancelAtPrompt('C-d', true)
    assert.equal(status, 130, screen)
    const result = screen
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; ok: boolean; error?: { code: string } })
      .find((r) => r.type === 'result')
    assert.equal(result?.ok, false, screen)
    assert.equal(result?.error?.code, 'cancelled')
  })
})
