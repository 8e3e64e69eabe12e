// Settings → Pairwise nodes in the web UI: a real daemon, a real `pairwise
// node` on 127.0.0.1, Chromium. Pasting the node's address connects to it (and
// takes a relay reservation there); a bad address gets a plain error; removing
// it is kept. Screenshots land in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { launchChromium, SHOTS } from './browser.ts'
import { startDaemon, type Daemon } from './daemon.ts'

const ROOT = join(import.meta.dirname, '..', '..')

describe('the Pairwise nodes setting in the web UI', { timeout: 180_000 }, () => {
  const temp = new TempDirs('e2e-nodes')
  let browser: Browser
  let daemon: Daemon
  let page: Page
  let nodeAddress = ''
  let stopNode = (): void => undefined

  before(async () => {
    const args = ['--disable-warning=ExperimentalWarning', join(ROOT, 'bin', 'pairwise.mjs'), 'node', '--json']
    args.push('--no-mdns', '--loopback', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', temp.make('node'))
    const node = spawn(process.execPath, args, { env: { ...process.env, PAIRWISE_BOOTSTRAP: '' } })
    stopNode = () => void node.kill('SIGTERM')
    nodeAddress = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('pairwise node did not start in 60 s')), 60_000)
      createInterface({ input: node.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as { type?: string; bootstrap?: string }
        if (event.type === 'listening' && event.bootstrap !== undefined) {
          clearTimeout(timer)
          resolve(event.bootstrap)
        }
      })
    })
    browser = await launchChromium()
    daemon = await startDaemon('Carol desktop', temp.make('device'))
    page = await browser.newPage({ viewport: { width: 800, height: 900 } })
    page.setDefaultTimeout(30_000)
    await page.goto(daemon.url)
    await page.getByTestId('tab-devices').click()
  })

  after(async () => {
    await browser?.close()
    await daemon?.stop()
    stopNode()
    temp.removeAll()
  })

  it('a pasted node connects and holds a relay; a bad address says what to paste; removing it sticks', async () => {
    await page.getByTestId('nodes-empty').waitFor()
    await page.getByTestId('node-address').fill('/ip4/127.0.0.1/tcp/4001')
    await page.getByTestId('add-node').click()
    assert.match(await page.getByTestId('node-error').innerText(), /pairwise node/)

    await page.getByTestId('node-address').fill(nodeAddress)
    await page.getByTestId('add-node').click()
    const row = page.locator('[data-testid="node-row"][data-connected="true"]')
    await row.waitFor()
    await page.getByText('other networks can reach this device through it').waitFor()
    await page.screenshot({ path: join(SHOTS, 'nodes-connected.png') })

    await row.getByRole('button', { name: 'Remove' }).click()
    await page.getByTestId('nodes-empty').waitFor()
    await page.reload()
    await page.getByTestId('tab-devices').click()
    await page.getByTestId('nodes-empty').waitFor()
  })
})
