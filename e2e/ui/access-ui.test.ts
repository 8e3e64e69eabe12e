// A page whose access token the service no longer accepts: the daemon was
// restarted on the same --ui-port, so it runs, with a new token. The page says
// that (not "cannot reach, check that it runs") and where the current link is,
// both while open (the reconnect is refused) and after a reload.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { freePort } from '../../test-support/free-port.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { launchChromium, openUi, shot } from './browser.ts'
import { startDaemon, type Daemon } from './daemon.ts'

describe('web UI: a stale access token', { timeout: 120_000 }, () => {
  const temp = new TempDirs('e2e-access')
  const dir = temp.make('a')
  let browser: Browser
  let daemon: Daemon | undefined

  before(async () => {
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await daemon?.stop()
    temp.removeAll()
  })

  it('after a restart on the same --ui-port the page says its link is out of date, before and after a reload', async () => {
    const port = String(await freePort())
    daemon = await startDaemon('Alice desktop', dir, ['--ui-port', port])
    const page = await openUi(browser, daemon.url)
    await daemon.stop()
    daemon = await startDaemon('Alice desktop', dir, ['--ui-port', port])

    const refused = page.getByTestId('token-refused')
    await refused.waitFor()
    const text = await refused.innerText()
    assert.match(text, /Pairwise is running, but it does not accept this page's access token/)
    assert.match(text, /pairwise daemon --ui/)
    assert.doesNotMatch(text, /Cannot reach|Check that Pairwise is running/)
    await shot(page, '30-token-refused')

    await page.reload()
    await refused.waitFor()
    assert.match(await refused.innerText(), /does not accept this page's access token/)
    assert.doesNotMatch(await page.locator('body').innerText(), /Cannot reach/)

    // The link the new start printed works.
    await page.goto(daemon.url)
    await page.getByTestId('tab-pair').waitFor()
    assert.equal(await refused.count(), 0)
  })

  it('a page opened without a token says so', async () => {
    assert.ok(daemon !== undefined)
    const page = await browser.newPage()
    await page.goto(new URL(daemon.url).origin + '/')
    const refused = page.getByTestId('token-refused')
    await refused.waitFor()
    assert.match(await refused.innerText(), /opened without its access token/)
  })
})
