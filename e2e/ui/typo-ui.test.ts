// Typo recovery on the Enter code screen (issue 12, item 1): two swapped words
// get the swap as the first of a few suggestions said in words (never the
// checksum-only fixes), Pair stays usable, and the service finds the code by
// probing its close variants, pairs, and the result says what was fixed. Two
// real daemons on 127.0.0.1, Chromium; screenshots in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { MAX_SHOWN_SLIPS, completions, isWord, likelySlips, parseCode } from '../../shared/code/index.ts'
import { allowJoiner, readCode, shot, typeCode } from './browser.ts'
import { UiDevices } from './fixture.ts'

const swap34 = (words: readonly string[]): string[] => [words[0]!, words[1]!, words[3]!, words[2]!, ...words.slice(4)]

describe('web UI: a slip in the words never costs a retry', { timeout: 120_000 }, () => {
  const ui = new UiDevices('e2e-typo', [{ name: 'Alice desktop' }, { name: 'Bob laptop' }, { name: 'Carol tablet' }])
  let pageA: Page
  let pageB: Page
  let pageC: Page

  before(async () => {
    ;({
      pages: [pageA, pageB, pageC]
    } = await ui.start())
  })

  after(() => ui.stop())

  /** A's code, renewed until swapping words 3 and 4 breaks its checksum (15 in 16 codes do). */
  async function codeWhoseSwapShows(): Promise<string[]> {
    await pageA.getByTestId('start-pairing').click()
    for (let tries = 0; tries < 20; tries++) {
      await pageA.getByTestId('code-word-12').waitFor()
      const words = await readCode(pageA)
      if (!parseCode(swap34(words).join(' ')).ok) return words
      await pageA.getByTestId('new-code').click()
      await pageA.waitForFunction(
        (old) => document.querySelector('[data-testid="code-word-1"]')?.textContent?.trim() !== old,
        words[0]
      )
    }
    throw new Error('every code still fitted its checksum with words 3 and 4 swapped')
  }

  it('words 3 and 4 swapped: "Swap words 3 and 4" is suggested, Pair still works and says what it fixed', async () => {
    const words = await codeWhoseSwapShows()
    await pageB.getByTestId('tab-join').click()
    await typeCode(pageB, swap34(words))
    await pageB.locator('[data-testid="checksum-status"][data-state="mismatch"]').waitFor()

    // A few suggestions, each said in words, the swap among them (another neighbour swap that
    // happens to fit the checksum ranks as high: the service's probe tells them apart).
    const suggestions = pageB.getByTestId('slip-suggestion')
    const labels = await suggestions.allInnerTexts()
    assert.ok(labels.includes('Swap words 3 and 4'), labels.join('; '))
    assert.ok(labels.length <= MAX_SHOWN_SLIPS, labels.join('; '))
    for (const label of labels) assert.match(label, /^(Swap words \d+ and \d+|Word \d+: [a-z]+ \(not [a-z]+\))$/)
    assert.equal(await pageB.getByTestId('join-button').isEnabled(), true, 'Pair is no dead end')
    await pageB.getByTestId('pair-checks-variants').waitFor()
    await shot(pageB, 'typo-suggestions')

    // One click applies a suggestion.
    await suggestions.filter({ hasText: 'Swap words 3 and 4' }).click()
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    assert.equal(await pageB.getByTestId('word-input-3').inputValue(), words[2])
    assert.equal(await pageB.getByTestId('word-input-4').inputValue(), words[3])

    // Back to the slip as read aloud, and Pair anyway: the service finds the waiting code itself.
    await typeCode(pageB, swap34(words))
    await pageB.locator('[data-testid="checksum-status"][data-state="mismatch"]').waitFor()
    await pageB.getByTestId('join-button').click()
    await allowJoiner(pageA)
    await pageB.getByTestId('join-success').waitFor({ timeout: 45_000 })
    assert.match(
      await pageB.getByTestId('join-success').innerText(),
      /^Paired with Alice desktop — words 3 and 4 were swapped$/
    )
    for (let i = 1; i <= 12; i++)
      assert.equal(
        await pageB.getByTestId(`word-input-${i}`).inputValue(),
        words[i - 1],
        `word ${i} shows the code that worked`
      )
    assert.match(await pageB.getByTestId('join-progress').innerText(), /Corrected: words 3 and 4 were swapped/)
    await shot(pageB, 'typo-corrected')
    await pageA.locator('[data-testid="session-status"][data-state="paired"]').waitFor()
    assert.equal((await pageA.getByTestId('session-status').innerText()).includes('wrong'), false)
  })

  it('a misheard word not on the list: its likely fix is offered, Pair still works and says what it fixed', async () => {
    await pageA.getByTestId('new-code').click()
    await pageA.locator('[data-testid="session-status"][data-state="waiting"]').waitFor()
    const words = await readCode(pageA)
    const { typed, at } = droppedLetter(words)
    const fix = `Word ${at}: ${words[at - 1]} (not ${typed[at - 1]})`

    await pageC.getByTestId('tab-join').click()
    await typeCode(pageC, typed)
    await pageC.locator('[data-testid="checksum-status"][data-state="mismatch"]').waitFor()
    assert.equal(await pageC.getByTestId('checksum-status').innerText(), `Word ${at} is not a pairing word`)
    assert.ok((await pageC.getByTestId('slip-suggestion').allInnerTexts()).includes(fix))
    await pageC.getByTestId('join-button').click()
    await allowJoiner(pageA)
    await pageC.getByTestId('join-success').waitFor({ timeout: 45_000 })
    assert.equal(
      await pageC.getByTestId('join-success').innerText(),
      `Paired with Alice desktop — word ${at} is “${words[at - 1]}”, not “${typed[at - 1]}”`
    )
    assert.equal(await pageC.getByTestId(`word-input-${at}`).inputValue(), words[at - 1])
    await shot(pageC, 'typo-misheard-corrected')
  })
})

/** The code with a letter dropped from one word, as a hurried typist would: not a list word, nor a start of one. */
function droppedLetter(words: readonly string[]): { typed: string[]; at: number } {
  for (let p = 0; p < words.length; p++) {
    const w = words[p]!
    const slip = w.slice(0, 2) + w.slice(3)
    if (isWord(slip) || completions(slip, 2).length === 1) continue
    const typed = words.map((x, i) => (i === p ? slip : x))
    if (likelySlips(typed).some((s) => s.words.join(' ') === words.join(' '))) return { typed, at: p + 1 }
  }
  throw new Error('no word of this code is recoverable from a dropped letter')
}
