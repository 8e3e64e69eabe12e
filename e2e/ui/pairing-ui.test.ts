// The whole product as a person uses it headless: two real daemons on
// 127.0.0.1 (separate data folders, mDNS off) and two Chromium pages showing
// the web UI. Screenshots of every screen land in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { readCode, shot, typeCode } from './browser.ts'
import type { Daemon } from './daemon.ts'
import { UiDevices } from './fixture.ts'

describe('pairing in the web UI, two daemons, two Chromium pages', { timeout: 300_000 }, () => {
  let a: Daemon
  let b: Daemon
  let pageA: Page
  let pageB: Page
  const ui = new UiDevices('e2e', [{ name: 'Alice desktop', extra: ['--ttl', '1'] }, { name: 'Bob laptop' }])

  before(async () => {
    ;({
      daemons: [a, b],
      pages: [pageA, pageB]
    } = await ui.start())
  })

  after(() => ui.stop())

  it('starts empty and points to Pair device', async () => {
    await pageA.getByTestId('tab-devices').click()
    await pageA.getByTestId('empty-pair-device').waitFor()
    await shot(pageA, '01-devices-empty')
  })

  it('an expired code says so on both sides; a wrong word gets an inline error with suggestions', async () => {
    await pageA.getByTestId('tab-pair').click()
    await shot(pageA, '02-pair-start')
    await pageA.getByTestId('start-pairing').click()
    await pageA.getByTestId('code-word-12').waitFor()
    const words = await readCode(pageA)
    await shot(pageA, '03-pair-waiting')

    await pageB.getByTestId('tab-join').click()
    await shot(pageB, '04-join-empty')
    const typo = [...words]
    typo[2] = `${words[2]}x`
    await typeCode(pageB, typo)
    const error = pageB.getByTestId('word-error-3')
    await error.waitFor()
    assert.match(await error.innerText(), new RegExp(words[2]!), 'the right word is suggested')
    // One word off the list with 11 right: its likely fix (it fits the checksum) is offered, and Pair
    // stays usable, since the service would check that fix itself (typo-ui.test.ts pairs that way).
    const fixes = await pageB.getByTestId('slip-suggestion').allInnerTexts()
    assert.ok(fixes.includes(`Word 3: ${words[2]} (not ${typo[2]})`), fixes.join('; '))
    assert.ok(await pageB.getByTestId('join-button').isEnabled(), 'Pair is no dead end')
    await shot(pageB, '05-join-wrong-word')
    await pageB.getByTestId('word-input-3').fill(words[2]!)
    await pageB.getByTestId('word-input-3').press('Tab')
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    await shot(pageB, '06-join-checksum-ok')

    // The code lives one minute (--ttl 1); wait it out on A's screen.
    await pageA.locator('[data-testid="session-status"][data-state="expired"]').waitFor({ timeout: 90_000 })
    assert.match(await pageA.getByTestId('session-status').innerText(), /expired/i)
    await shot(pageA, '07-pair-expired')
    await pageB.getByTestId('join-button').click()
    const joinError = pageB.getByTestId('join-error')
    await joinError.waitFor({ timeout: 45_000 })
    assert.match(await joinError.innerText(), /expired/i)
    // Retrying a dead code can only fail again: the one action offered is entering a new code.
    assert.equal(await pageB.getByTestId('join-retry').count(), 0)
    await pageB.getByTestId('join-new-code').waitFor()
    await shot(pageB, '08-join-expired')
  })

  it('pairs with a fresh code: progress on both sides, then each lists the other', async () => {
    await pageA.getByTestId('new-code').click()
    await pageA.locator('[data-testid="session-status"][data-state="waiting"]').waitFor()
    const words = await readCode(pageA)
    await pageB.getByTestId('join-new-code').click()
    await typeCode(pageB, words)
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    await pageB.getByTestId('join-button').click()
    await pageB.getByTestId('join-progress').waitFor()
    await shot(pageB, '09-join-progress')
    // The UI asks before a device pairs (on by default; approval-ui.test.ts covers it).
    await pageA.getByTestId('approval-allow').click()
    await pageB.getByTestId('join-success').waitFor({ timeout: 45_000 })
    await shot(pageB, '10-join-paired')
    await pageA.locator('[data-testid="session-status"][data-state="paired"]').waitFor()
    assert.match(await pageA.getByTestId('session-status').innerText(), /Bob laptop/)
    await shot(pageA, '11-pair-paired')

    await pageA.getByTestId('tab-devices').click()
    await pageA.locator(`[data-testid="device-row"][data-peer-id="${b.peerId}"]`).waitFor()
    await shot(pageA, '12-devices-a')
    await pageB.getByTestId('tab-devices').click()
    await pageB.locator(`[data-testid="device-row"][data-peer-id="${a.peerId}"]`).waitFor()
    assert.match(
      await pageB.locator(`[data-testid="device-row"][data-peer-id="${a.peerId}"]`).innerText(),
      /Alice desktop/
    )
    await shot(pageB, '13-devices-b')
  })

  it('A revokes B: B shows it was removed by the other device', async () => {
    const row = pageA.locator(`[data-testid="device-row"][data-peer-id="${b.peerId}"]`)
    await row.getByTestId('revoke-button').click()
    await pageA.getByTestId('revoke-dialog').waitFor()
    await shot(pageA, '14-revoke-confirm')
    await pageA.getByTestId('confirm-revoke').click()
    await row.locator('[data-testid="device-status"][data-status="revoked"]').waitFor()
    await shot(pageA, '15-devices-a-revoked')
    const rowOnB = pageB.locator(`[data-testid="device-row"][data-peer-id="${a.peerId}"]`)
    await rowOnB.locator('[data-testid="device-status"][data-status="removed-by-peer"]').waitFor()
    assert.match(await rowOnB.innerText(), /removed by the other device/i)
    // Nothing is left to revoke or tell: the row offers Forget, and the news is a warning, not a success.
    assert.equal(await rowOnB.getByTestId('revoke-button').count(), 0)
    await rowOnB.getByTestId('forget-button').waitFor()
    assert.match((await pageB.getByTestId('devices-news').getAttribute('class')) ?? '', /news-warning/)
    await shot(pageB, '16-devices-b-removed')
  })

  it('after restarting both daemons the lists are as before', async () => {
    ;({
      daemons: [a, b],
      pages: [pageA, pageB]
    } = await ui.restart())
    await pageA.getByTestId('tab-devices').click()
    await pageA
      .locator(
        `[data-testid="device-row"][data-peer-id="${b.peerId}"] [data-testid="device-status"][data-status="revoked"]`
      )
      .waitFor()
    await pageB.getByTestId('tab-devices').click()
    await pageB
      .locator(
        `[data-testid="device-row"][data-peer-id="${a.peerId}"] [data-testid="device-status"][data-status="removed-by-peer"]`
      )
      .waitFor()
    await shot(pageA, '17-restarted-a')
    await shot(pageB, '18-restarted-b')
  })
})
