// Chromium for the e2e UI tests: Debian's build, no sandbox (CI runs as root),
// nothing that phones home. Screenshots land in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screens')
export const UI_TIMEOUT_MS = 30_000

/** `extraArgs` add to the quiet defaults, e.g. a fake camera (link-camera-ui.test.ts). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install -y chromium`)
  mkdirSync(SHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs
    ]
  })
}

export interface Viewport {
  width: number
  height: number
}

/** A page on `url` (a daemon's UI link), once the app shows its tabs. */
export async function openUi(
  browser: Browser,
  url: string,
  viewport: Viewport = { width: 800, height: 600 }
): Promise<Page> {
  const page = await browser.newPage({ viewport })
  page.setDefaultTimeout(UI_TIMEOUT_MS)
  await page.goto(url)
  await page.getByTestId('tab-pair').waitFor()
  return page
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

/** The 12 words the Pair screen shows. */
export async function readCode(page: Page): Promise<string[]> {
  const words: string[] = []
  for (let i = 1; i <= 12; i++) words.push((await page.getByTestId(`code-word-${i}`).innerText()).trim())
  return words
}

/** Types words into the Enter code fields from the first, leaving each with Tab as a person would. */
export async function typeCode(page: Page, words: readonly string[]): Promise<void> {
  for (let i = 1; i <= words.length; i++) {
    const input = page.getByTestId(`word-input-${i}`)
    await input.fill(words[i - 1]!)
    await input.press('Tab')
  }
}

/** The initiator's person allows the joiner (the Pair screen asks by default; approval-ui.test.ts covers it). */
export async function allowJoiner(page: Page): Promise<void> {
  await page.getByTestId('tab-pair').click()
  await page.getByTestId('approval-allow').click({ timeout: 45_000 })
}
