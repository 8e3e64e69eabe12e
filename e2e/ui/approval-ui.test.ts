// Issue 12 in the web UI: two (then three) real daemons on 127.0.0.1 and
// Chromium pages. The initiator's person sees who proved the code — name, OS,
// fingerprint and six check digits that the joiner's screen shows too — and
// allows or denies it; a later claimant of a used code raises the alarm on both
// paired devices. Screenshots land in test-artifacts/screens/approval-*.png.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { readCode, shot, typeCode } from './browser.ts'
import type { Daemon } from './daemon.ts'
import { UiDevices } from './fixture.ts'

describe('approve who joins, and the overheard-code alarm, in the web UI', { timeout: 300_000 }, () => {
  const ui = new UiDevices(
    'e2e-approval',
    [{ name: 'Alice desktop' }, { name: 'Bob laptop' }, { name: 'Eve tablet' }],
    { width: 800, height: 900 }
  )

  const join12 = async (page: Page, words: string[]): Promise<void> => {
    await page.getByTestId('tab-join').click()
    await typeCode(page, words)
    await page.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    await page.getByTestId('join-button').click()
  }

  let c: Daemon
  let pageA: Page
  let pageB: Page
  let pageC: Page
  /** The one code of this suite: denied to Eve, allowed to Bob, then overheard. */
  let words: string[] = []

  before(async () => {
    ;({
      daemons: [, , c],
      pages: [pageA, pageB, pageC]
    } = await ui.start())
  })

  after(() => ui.stop())

  it('Deny: the joiner is told, and neither device lists the other', async () => {
    assert.ok(await pageA.getByTestId('approve-toggle').isChecked(), 'asking is on by default')
    await pageA.getByTestId('start-pairing').click()
    words = await readCode(pageA)
    await join12(pageC, words)
    await pageA.getByTestId('approval-prompt').waitFor()
    assert.match(await pageA.getByTestId('approval-name').innerText(), /Eve tablet/)
    await pageA.getByTestId('approval-deny').click()
    const error = pageC.getByTestId('join-error')
    await error.waitFor({ timeout: 45_000 })
    assert.match(await error.innerText(), /declined/i)
    await pageA.locator('[data-testid="session-declined"][data-reason="denied"]').waitFor()
    await shot(pageA, 'approval-01-denied-initiator')
    await shot(pageC, 'approval-02-denied-joiner')
    await pageA.getByTestId('tab-devices').click()
    await pageA.getByTestId('empty-pair-device').waitFor()
    await pageC.getByTestId('tab-devices').click()
    await pageC.getByTestId('empty-pair-device').waitFor()
    await pageA.getByTestId('tab-pair').click()
  })

  it('the same check string on both screens; Allow pairs both', async () => {
    // The denied device is refused for the rest of that code: the right one uses the same words.
    await join12(pageB, words)
    await pageA.getByTestId('approval-prompt').waitFor()
    await pageB.getByTestId('approval-wait').waitFor()
    const checkA = (await pageA.getByTestId('approval-check').innerText()).trim()
    const checkB = (await pageB.getByTestId('join-check').innerText()).trim()
    assert.match(checkA, /^\d{3} \d{3}$/)
    assert.equal(checkB, checkA, 'both screens show the same six digits')
    assert.match(await pageB.getByTestId('approval-wait').innerText(), /Waiting for the other device to allow/)
    await shot(pageA, 'approval-03-prompt')
    await shot(pageB, 'approval-04-joiner-waiting')
    await pageA.getByTestId('approval-allow').click()
    await pageB.getByTestId('join-success').waitFor({ timeout: 45_000 })
    await pageA.locator('[data-testid="session-status"][data-state="paired"]').waitFor()
    await shot(pageA, 'approval-05-paired')
  })

  it('someone else proving the used code raises the alarm on both paired devices', async () => {
    // Eve, denied before, had the words all along: she tries them again after the pairing.
    await pageC.getByTestId('tab-join').click()
    await pageC.getByTestId('join-new-code').click()
    await join12(pageC, words)
    await pageC.getByTestId('join-error').waitFor({ timeout: 45_000 })
    assert.match(await pageC.getByTestId('join-error').innerText(), /already used/i)
    const alarmA = pageA.locator('[data-testid="code-alarm"][data-seen-by="this-device"]')
    const alarmB = pageB.locator('[data-testid="code-alarm"][data-seen-by="paired-device"]')
    await alarmA.waitFor()
    await alarmB.waitFor()
    const eve = `${c.peerId.slice(0, 8)}…${c.peerId.slice(-6)}`
    assert.match(await alarmA.innerText(), /Someone else also had the code that paired “Bob laptop”/)
    assert.ok((await alarmA.innerText()).includes(eve), 'names the claimant')
    assert.match(await alarmB.innerText(), /Someone else also had the code that paired “Alice desktop”/)
    assert.ok((await alarmB.innerText()).includes(eve))
    await shot(pageA, 'approval-06-alarm-initiator')
    await shot(pageB, 'approval-07-alarm-joiner')

    // The service keeps the alarm until it is dismissed: a reloaded (or later opened) page still shows it.
    await pageB.reload()
    await alarmB.waitFor()
    await pageB.getByTestId('code-alarm-dismiss').click()
    assert.equal(await alarmB.count(), 0)
    await pageB.reload()
    // The panels render once the service's state arrived, and with it the alarms it keeps.
    await pageB.locator('#panel-pair').waitFor({ state: 'attached' })
    assert.equal(await alarmB.count(), 0, 'a dismissed alarm stays dismissed after a reload')
  })
})
