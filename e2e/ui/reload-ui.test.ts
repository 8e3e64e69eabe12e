// A reload keeps its place: the tab, half-typed words, and the outcome of a
// join that finished while the page was reloading (the service keeps the last
// join). Also a rename as the other device sees it. Two real daemons on
// 127.0.0.1, Chromium; screenshots in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { allowJoiner, readCode, shot, typeCode } from './browser.ts'
import type { Daemon } from './daemon.ts'
import { UiDevices } from './fixture.ts'

const WORDS_KEY = 'pairwise.join-words'

describe('web UI: reloading keeps its place', { timeout: 120_000 }, () => {
  const ui = new UiDevices('e2e-reload', [{ name: 'Alice desktop' }, { name: 'Bob laptop' }])
  let a: Daemon
  let pageA: Page
  let pageB: Page

  const keptWords = (page: Page): Promise<string | null> =>
    page.evaluate((key) => window.sessionStorage.getItem(key), WORDS_KEY)

  before(async () => {
    ;({
      daemons: [a],
      pages: [pageA, pageB]
    } = await ui.start())
  })

  after(async () => {
    // Never leave a paused daemon behind: it would ignore SIGTERM.
    if (a !== undefined) process.kill(a.pid, 'SIGCONT')
    await ui.stop()
  })

  it('the tab and half-typed words survive a reload; Clear forgets them', async () => {
    await pageB.getByTestId('tab-join').click()
    const half = ['abandon', 'ability', 'able', 'about', 'above']
    await typeCode(pageB, half)
    await pageB.reload()
    await pageB.getByTestId('word-input-1').waitFor()
    assert.equal(await pageB.getByTestId('tab-join').getAttribute('aria-current'), 'page')
    assert.equal(await pageB.locator('#panel-join').isVisible(), true)
    for (let i = 1; i <= 5; i++) assert.equal(await pageB.getByTestId(`word-input-${i}`).inputValue(), half[i - 1])
    assert.equal(await pageB.getByTestId('word-input-6').inputValue(), '')

    await pageB.getByRole('button', { name: 'Clear' }).click()
    assert.equal(await keptWords(pageB), null)
    await pageB.reload()
    await pageB.getByTestId('word-input-1').waitFor()
    assert.equal(await pageB.getByTestId('word-input-1').inputValue(), '')
  })

  it('a reload during a join shows its outcome; the kept words go when it ends', async () => {
    await pageA.getByTestId('start-pairing').click()
    await pageA.getByTestId('code-word-12').waitFor()
    const words = await readCode(pageA)
    await typeCode(pageB, words)
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()

    // Alice's daemon is paused, so Bob's join cannot finish before the page reloads.
    process.kill(a.pid, 'SIGSTOP')
    try {
      await pageB.getByTestId('join-button').click()
      await pageB.getByTestId('join-progress').waitFor()
      await pageB.reload()
      await pageB.getByTestId('join-progress').waitFor()
      assert.equal(await pageB.getByTestId('join-button').innerText(), 'Pairing…', 'the running join is picked up')
      assert.equal(await pageB.getByTestId('word-input-12').inputValue(), words[11])
    } finally {
      process.kill(a.pid, 'SIGCONT')
    }
    await allowJoiner(pageA)
    await pageB.getByTestId('join-success').waitFor({ timeout: 45_000 })
    assert.match(await pageB.getByTestId('join-success').innerText(), /Paired with Alice desktop/)
    assert.equal(await keptWords(pageB), null, 'the finished code is no longer kept')
    await shot(pageB, '31-reload-during-join-paired')
    await pageA.locator('[data-testid="session-status"][data-state="paired"]').waitFor()

    // Reloading again still shows it; moving on forgets it.
    await pageB.reload()
    await pageB.getByTestId('join-success').waitFor()
    await pageB.getByRole('button', { name: 'Enter another code' }).click()
    await pageB.reload()
    await pageB.getByTestId('word-input-1').waitFor()
    assert.equal(await pageB.getByTestId('join-success').count(), 0)
    assert.equal(await pageB.getByTestId('word-input-1').inputValue(), '')
  })

  it('a rename says "Saved" and reaches the other device, shown as renamed from the old name', async () => {
    await pageA.getByTestId('tab-devices').click()
    await pageB.getByTestId('tab-devices').click()
    const row = pageB.locator(`[data-testid="device-row"][data-peer-id="${a.peerId}"]`)
    await row.waitFor()
    const field = pageA.getByTestId('this-device-name')
    await field.fill('Alice studio')
    await field.press('Enter')
    await pageA.getByTestId('device-name-saved').waitFor()
    await shot(pageA, '32-rename-saved')
    await row.getByTestId('device-renamed-from').waitFor()
    assert.match(await row.innerText(), /Alice studio/)
    assert.match(await row.getByTestId('device-renamed-from').innerText(), /renamed from Alice desktop/)
    await shot(pageB, '33-rename-arrived')
  })
})
