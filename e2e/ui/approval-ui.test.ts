// Issue 12 in the web UI: two (then three) real daemons on 127.0.0.1 and
// Chromium pages. The initiator's person sees who proved the code — name, OS,
// fingerprint and six check digits that the joiner's screen shows too — and
// allows or denies it; a later claimant of a used code raises the alarm on both
// paired devices. Screenshots land in test-artifacts/screens/approval-*.png.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { startDaemon, type Daemon } from './daemon.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screens')
const T = 30_000

describe('approve who joins, and the overheard-code alarm, in the web UI', { timeout: 300_000 }, () => {
  let browser: Browser
  const daemons: Daemon[] = []
  const temp = new TempDirs('e2e-approval')

  const shot = async (page: Page, name: string): Promise<void> => {
    await page.waitForTimeout(150)
    await page.screenshot({ path: join(SHOTS, `${name}.png`) })
  }

  const open = async (daemon: Daemon): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } })
    page.setDefaultTimeout(T)
    await page.goto(daemon.url)
    await page.getByTestId('tab-pair').waitFor()
    return page
  }

  const readWords = async (page: Page): Promise<string[]> => {
    const words: string[] = []
    for (let i = 1; i <= 12; i++) words.push((await page.getByTestId(`code-word-${i}`).innerText()).trim())
    return words
  }

  const join12 = async (page: Page, words: string[]): Promise<void> => {
    await page.getByTestId('tab-join').click()
    for (let i = 1; i <= 12; i++) {
      const input = page.getByTestId(`word-input-${i}`)
      await input.fill(words[i - 1]!)
      await input.press('Tab')
    }
    await page.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    await page.getByTestId('join-button').click()
  }

  let a: Daemon
  let b: Daemon
  let c: Daemon
  let pageA: Page
  let pageB: Page
  let pageC: Page
  /** The one code of this suite: denied to Eve, allowed to Bob, then overheard. */
  let words: string[] = []

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install -y chromium`)
    mkdirSync(SHOTS, { recursive: true })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    })
    a = await startDaemon('Alice desktop', temp.make('a'))
    b = await startDaemon('Bob laptop', temp.make('b'), ['--bootstrap', a.multiaddrs[0]!])
    c = await startDaemon('Eve tablet', temp.make('c'), ['--bootstrap', a.multiaddrs[0]!])
    daemons.push(a, b, c)
    pageA = await open(a)
    pageB = await open(b)
    pageC = await open(c)
  })

  after(async () => {
    await browser?.close()
    for (const d of daemons) await d.stop()
    temp.removeAll()
  })

  it('Deny: the joiner is told, and neither device lists the other', async () => {
    assert.ok(await pageA.getByTestId('approve-toggle').isChecked(), 'asking is on by default')
    await pageA.getByTestId('start-pairing').click()
    words = await readWords(pageA)
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
  })
})
