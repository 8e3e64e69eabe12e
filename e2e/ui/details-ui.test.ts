// The small things a new user notices (issue 11, item 11): the countdown of a
// fresh code, where the cursor goes on "Enter code", the word grid staying in
// line when a suggestion wraps, and join progress in plain words with the
// technical lines one click away. Two real daemons on 127.0.0.1, Chromium.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { allowJoiner, readCode, shot, typeCode } from './browser.ts'
import { UiDevices } from './fixture.ts'

/** A fresh 5-minute code never shows more than 5:00 (it showed 5:01). */
const FRESH_COUNTDOWN = /^(5:00|4:5\d)$/

describe('web UI: the details', { timeout: 120_000 }, () => {
  const ui = new UiDevices('e2e-details', [{ name: 'Alice desktop' }, { name: 'Bob laptop' }])
  let pageA: Page
  let pageB: Page

  before(async () => {
    ;({
      pages: [pageA, pageB]
    } = await ui.start())
  })

  after(() => ui.stop())

  it('a fresh code counts down from 5:00, also after "New code"', async () => {
    await pageA.getByTestId('start-pairing').click()
    const countdown = pageA.getByTestId('session-countdown')
    await countdown.waitFor()
    assert.match(await countdown.innerText(), FRESH_COUNTDOWN)
    // "New code" replaces the code while the clock of the view keeps ticking from its last second.
    for (let i = 0; i < 3; i++) {
      await pageA.waitForTimeout(700)
      const before = await pageA.getByTestId('code-word-1').innerText()
      await pageA.getByTestId('new-code').click()
      await pageA.waitForFunction(
        (old) => document.querySelector('[data-testid="code-word-1"]')?.textContent?.trim() !== old,
        before.trim()
      )
      assert.match(await countdown.innerText(), FRESH_COUNTDOWN)
    }
  })

  it('choosing "Enter code" puts the cursor in word 1', async () => {
    await pageB.getByTestId('tab-join').click()
    await pageB.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'word-input-1')
  })

  it('typing straight on after Space goes into the next field', async () => {
    await pageB.getByTestId('word-input-1').focus()
    // No pause between keys: the next field must have the focus before the next key arrives.
    await pageB.keyboard.type('abandon ability able about above')
    const values = await Promise.all([1, 2, 3, 4, 5].map((n) => pageB.getByTestId(`word-input-${n}`).inputValue()))
    assert.deepEqual(values, ['abandon', 'ability', 'able', 'about', 'above'])
    await pageB.getByRole('button', { name: 'Clear' }).click()
  })

  it('the word fields stay in line when a suggestion wraps onto more lines', async () => {
    await typeCode(pageB, ['abandon', 'abilty'])
    await pageB.getByTestId('word-error-2').waitFor()
    const box = async (n: number) => (await pageB.getByTestId(`word-input-${n}`).boundingBox())!
    const height = (await pageB.getByTestId('word-error-2').boundingBox())!.height
    assert.ok(height > 30, `the suggestion wraps onto a second line (height ${height})`)
    await shot(pageB, '34-join-suggestion-aligned')
    // Rows across the three columns: 1 5 9 / 2 6 10 / 3 7 11 / 4 8 12.
    for (const row of [
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
      [4, 8, 12]
    ]) {
      const tops = await Promise.all(row.map(async (n) => Math.round((await box(n)).y)))
      assert.ok(Math.max(...tops) - Math.min(...tops) <= 1, `words ${row.join(', ')} in one line: ${tops.join(', ')}`)
    }
    // The field marked wrong keeps the size of the others (a thicker border made it 2 px taller).
    const [wrong, right] = await Promise.all([box(2), box(6)])
    assert.equal(wrong.height, right.height, "the wrong word's field is as tall as the others")
    assert.equal(wrong.width, (await box(1)).width)
    await pageB.getByRole('button', { name: 'Clear' }).click()
  })

  it('progress speaks plainly; the technical lines are one click away', async () => {
    const words = await readCode(pageA)
    await typeCode(pageB, words)
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    await pageB.getByTestId('join-button').click()
    await allowJoiner(pageA)
    await pageB.getByTestId('join-success').waitFor({ timeout: 45_000 })
    const progress = await pageB.getByTestId('join-progress').innerText()
    assert.doesNotMatch(progress, /DHT|Known addresses|asked|multiaddr|relay/)
    assert.match(progress, /across the internet|on this network|where paired devices were last seen/i)
    const details = pageB.getByTestId('join-details')
    assert.equal(await details.locator('ol').isVisible(), false, 'the details start folded')
    await details.locator('summary').click()
    assert.match(await details.locator('ol').innerText(), /DHT/, 'the technical lines are there')
    await shot(pageB, '35-join-progress-details')
  })
})
