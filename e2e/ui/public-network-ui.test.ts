// Settings → Public network in the web UI: real daemons, a simulated public
// libp2p network on 127.0.0.1 (real kad-dht servers speaking Amino, injected
// with PAIRWISE_PUBLIC_BOOTSTRAP — never the real one), Chromium. The switch
// shows whether this device is connected; turning it off hangs up on the
// public servers and is kept across a reload and a restart; turning it on
// connects again. A daemon with no public list (as under --no-public-network)
// shows the switch as unavailable, and its setting is still kept.
// Screenshots land in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Browser, Page } from 'playwright-core'
import { startAminoNetwork } from '../../test-support/engine/amino-network.ts'
import { eventually } from '../../test-support/eventually.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { launchChromium, SHOTS } from './browser.ts'
import { startDaemon, type Daemon } from './daemon.ts'

describe('the public network switch in the web UI', { timeout: 240_000 }, () => {
  const temp = new TempDirs('e2e-public')
  let browser: Browser
  let net: Awaited<ReturnType<typeof startAminoNetwork>>
  const daemons: Daemon[] = []
  const start = async (name: string, dir: string, publicList: boolean): Promise<Daemon> => {
    const env: Record<string, string> = publicList ? { PAIRWISE_PUBLIC_BOOTSTRAP: net.bootstrap.join(',') } : {}
    const daemon = await startDaemon(name, dir, [], env)
    daemons.push(daemon)
    return daemon
  }
  const open = async (daemon: Daemon): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1000 } })
    page.setDefaultTimeout(30_000)
    await page.goto(daemon.url)
    await page.getByTestId('tab-devices').click()
    return page
  }
  const status = (page: Page, state: string) =>
    page.locator(`[data-testid="public-network-status"][data-state="${state}"]`).waitFor()
  /** Simulated public servers holding a connection to the daemon now. */
  const publicConnections = (daemon: Daemon): number =>
    net.nodes.reduce((n, server) => n + server.getConnections(peerIdFromString(daemon.peerId)).length, 0)

  before(async () => {
    net = await startAminoNetwork(2)
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    for (const daemon of daemons) await daemon.stop()
    await net?.stop()
    temp.removeAll()
  })

  it('shows connected; off hangs up and is kept across a reload and a restart; on connects again', async () => {
    const dir = temp.make('dana')
    let daemon = await start('Dana laptop', dir, true)
    let page = await open(daemon)
    const toggle = page.getByTestId('public-network-switch')
    await status(page, 'connected')
    assert.equal(await toggle.isChecked(), true, 'on by default')
    await page.screenshot({ path: join(SHOTS, 'public-network-connected.png') })

    await toggle.click()
    await status(page, 'off')
    assert.equal(await toggle.isChecked(), false)
    await eventually('no public server holds a connection to Dana', async () => publicConnections(daemon) === 0)
    await page.reload()
    await page.getByTestId('tab-devices').click()
    await status(page, 'off')
    assert.equal(await page.getByTestId('public-network-switch').isChecked(), false, 'kept across a reload')
    await page.close()

    await daemon.stop()
    daemon = await start('Dana laptop', dir, true)
    page = await open(daemon)
    await status(page, 'off')
    assert.equal(await page.getByTestId('public-network-switch').isChecked(), false, 'kept across a restart')
    assert.equal(publicConnections(daemon), 0, 'switched off, the restarted daemon dialled no public server')

    await page.getByTestId('public-network-switch').click()
    await status(page, 'connected')
    assert.ok(publicConnections(daemon) > 0)
    await page.close()
  })

  it('without a public list the switch says it is unavailable, and its setting is still kept', async () => {
    const daemon = await start('Eve desktop', temp.make('eve'), false)
    const page = await open(daemon)
    await status(page, 'unavailable')
    assert.match(await page.getByTestId('public-network-status').innerText(), /--no-public-network/)
    await page.screenshot({ path: join(SHOTS, 'public-network-unavailable.png') })
    await page.getByTestId('public-network-switch').click()
    await page.reload()
    await page.getByTestId('tab-devices').click()
    await status(page, 'unavailable')
    assert.equal(await page.getByTestId('public-network-switch').isChecked(), false, 'the switched-off setting is kept')
    await page.close()
  })
})
