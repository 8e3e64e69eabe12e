// A pairwise:// link and a QR code instead of typing, in the web UI of real
// daemons on 127.0.0.1: "Copy link" on the Pair screen, a link in the
// headless UI's address (#pair=…), and "Scan with camera" reading the QR code
// of A's real link from Chromium's fake camera, which plays a video of it.
// Screenshots land in test-artifacts/screens/.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { CameraGate } from '../../main/electron/camera-gate.ts'
import { registerDesktopIpc } from '../../main/electron/desktop-ipc.ts'
import { OpenedLinks } from '../../main/electron/opened-links.ts'
import { generateCode, toLink } from '../../shared/code/index.ts'
import { FakeIpcMain, topFrame } from '../../test-support/electron/fake-ipc.ts'
import { writeQrVideo } from '../../test-support/qr-video.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { allowJoiner, launchChromium, shot, UI_TIMEOUT_MS } from './browser.ts'
import { startDaemon, type Daemon } from './daemon.ts'

/** Chromium with a camera that plays `video` (a .y4m file) and a permission prompt that always says yes. */
function launchWithCamera(video: string): Promise<Browser> {
  return launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`
  ])
}

/** Every camera stream the page opens, so the test can see that each one was stopped. */
function recordStreams(): void {
  const streams: MediaStream[] = []
  ;(window as unknown as { __streams: MediaStream[] }).__streams = streams
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints)
    streams.push(stream)
    return stream
  }
}

const liveTracks = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      (window as unknown as { __streams: MediaStream[] }).__streams
        .flatMap((s) => s.getTracks())
        .filter((t) => t.readyState === 'live').length
  )
const openedStreams = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { __streams: MediaStream[] }).__streams.length)

/** A CameraGate that also records what the window asked of it. */
class RecordingGate extends CameraGate {
  readonly log: string[] = []
  override open(): void {
    this.log.push('open')
    super.open()
  }
  override close(): void {
    this.log.push('close')
    super.close()
  }
}

/**
 * The desktop app's window.pairwiseDesktop, from the preload's own code (main/electron/desktop-bridge.ts,
 * bundled for the page), wired through a Playwright binding to main's real handlers in this process: the
 * Electron path, with only the IPC transport faked.
 */
async function desktopPreloadScript(): Promise<string> {
  const bundled = await build({
    stdin: {
      contents: [
        "import { createDesktopBridge } from './main/electron/desktop-bridge.ts'",
        'const w = window',
        'w.pairwiseDesktop = createDesktopBridge((channel, ...args) => w.__desktopInvoke(channel, ...args), (_channel, onMessage) => { w.__linkOpened = onMessage })'
      ].join('\n'),
      resolveDir: join(import.meta.dirname, '..', '..'),
      loader: 'ts'
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'warning'
  })
  return bundled.outputFiles[0]!.text
}

describe('a link or a camera instead of typing', { timeout: 300_000 }, () => {
  const temp = new TempDirs('e2e-link')
  const dirA = temp.make('a')
  const dirB = temp.make('b')
  const videos = temp.make('videos')
  let a: Daemon
  let b: Daemon
  let browserA: Browser
  let browserB: Browser | undefined
  let pageA: Page
  let pageB: Page
  let linkA = ''
  const wordsA: string[] = []

  const open = async (browser: Browser, url: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 800, height: 720 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin })
    await context.addInitScript(recordStreams)
    const page = await context.newPage()
    page.setDefaultTimeout(UI_TIMEOUT_MS)
    await page.goto(url)
    await page.getByTestId('tab-pair').waitFor()
    return page
  }

  const fieldValues = async (page: Page): Promise<string[]> => {
    const words: string[] = []
    for (let i = 1; i <= 12; i++) words.push(await page.getByTestId(`word-input-${i}`).inputValue())
    return words
  }

  before(async () => {
    // A's camera sees a QR code that is not a Pairwise link.
    const foreign = join(videos, 'foreign.y4m')
    writeQrVideo(foreign, 'https://example.com/menu')
    browserA = await launchWithCamera(foreign)
    a = await startDaemon('Alice desktop', dirA)
    b = await startDaemon('Bob laptop', dirB, ['--bootstrap', a.multiaddrs[0]!])
    pageA = await open(browserA, a.url)
  })

  after(async () => {
    await browserA?.close()
    await browserB?.close()
    await a?.stop()
    await b?.stop()
    temp.removeAll()
  })

  it('Copy link puts the pairing link, the one in the QR code, on the clipboard', async () => {
    await pageA.getByTestId('start-pairing').click()
    await pageA.locator('[data-testid="session-status"][data-state="waiting"]').waitFor()
    for (let i = 1; i <= 12; i++) wordsA.push((await pageA.getByTestId(`code-word-${i}`).innerText()).trim())
    await pageA.getByTestId('copy-link').click()
    linkA = await pageA.evaluate(() => navigator.clipboard.readText())
    assert.equal(linkA, `pairwise://pair?code=${wordsA.join('-')}&v=1`)
    await shot(pageA, 'link-01-pair-copy-link')
  })

  it('a QR code that is not a Pairwise link is only remarked on; Cancel stops the camera', async () => {
    await pageA.getByTestId('tab-join').click()
    await pageA.getByTestId('scan-camera').click()
    const status = pageA.getByTestId('camera-status')
    await pageA.waitForFunction(() =>
      /not a Pairwise link/.test(document.querySelector('[data-testid="camera-status"]')?.textContent ?? '')
    )
    assert.match(await status.innerText(), /not a Pairwise link/)
    assert.deepEqual(await fieldValues(pageA), Array(12).fill(''), 'nothing was filled in')
    assert.equal(await liveTracks(pageA), 1, 'the camera runs while scanning')
    await shot(pageA, 'link-02-camera-foreign-qr')
    await pageA.getByTestId('scan-cancel').click()
    await pageA.getByTestId('scan-camera').waitFor()
    assert.equal(await liveTracks(pageA), 0, 'Cancel stopped every track')
    assert.equal(await openedStreams(pageA), 1)

    // Leaving the screen mid-scan stops the camera too.
    await pageA.getByTestId('scan-camera').click()
    await pageA.waitForFunction(() =>
      (window as unknown as { __streams: MediaStream[] }).__streams
        .flatMap((s) => s.getTracks())
        .some((t) => t.readyState === 'live')
    )
    await pageA.getByTestId('tab-pair').click()
    await pageA.waitForFunction(() =>
      (window as unknown as { __streams: MediaStream[] }).__streams
        .flatMap((s) => s.getTracks())
        .every((t) => t.readyState === 'ended')
    )
    assert.equal(await openedStreams(pageA), 2)
    await pageA.getByTestId('tab-join').click()
    await pageA.getByTestId('scan-camera').waitFor()
  })

  it('#pair=… in the address fills the Enter code screen, leaves the address, and waits for a click', async () => {
    // B's camera plays A's real link as a QR code.
    const video = join(videos, 'pairing-link.y4m')
    writeQrVideo(video, linkA)
    browserB = await launchWithCamera(video)
    const other = generateCode().words
    pageB = await open(browserB, `${b.url}#pair=${other.join('-')}`)
    await pageB.getByTestId('code-filled').waitFor()
    assert.equal(await pageB.getByTestId('code-filled').getAttribute('data-from'), 'link')
    assert.deepEqual(await fieldValues(pageB), other)
    assert.equal(new URL(pageB.url()).hash, '', 'the words are gone from the address bar')
    assert.equal(new URL(pageB.url()).searchParams.get('token'), null, 'and so is the token')
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    assert.equal(await pageB.getByTestId('join-button').isEnabled(), true)
    assert.equal(await pageB.getByTestId('join-button').innerText(), 'Pair', 'no pairing started by itself')
    assert.equal(await pageB.getByTestId('join-progress').count(), 0)
    await shot(pageB, 'link-03-join-from-address')

    // A link put into the address bar of the open tab (only the fragment changes, no reload); this
    // one is not a whole code, so it is refused with the parser's message and changes no field.
    await pageB.goto(`${new URL(b.url).origin}/#pair=legal-winner`)
    await pageB.getByTestId('paste-error').waitFor()
    assert.match(await pageB.getByTestId('paste-error').innerText(), /Found 2 words/)
    assert.equal(await pageB.getByTestId('code-filled').count(), 0)
    assert.deepEqual(await fieldValues(pageB), other)
    assert.equal(new URL(pageB.url()).hash, '')
    await shot(pageB, 'link-04-join-bad-link')
  })

  it('a link the OS hands the desktop app fills the window’s Enter code screen; its scan opens and closes the camera gate', async () => {
    const ipcMain = new FakeIpcMain()
    const links = new OpenedLinks()
    const camera = new RecordingGate()
    registerDesktopIpc({ ipcMain, links, camera })
    const context = await browserB!.newContext({ viewport: { width: 800, height: 720 } })
    await context.exposeBinding('__desktopInvoke', (_source, channel: string, ...args: unknown[]) =>
      ipcMain.invokeOn(channel, topFrame(), ...args)
    )
    await context.addInitScript({ content: await desktopPreloadScript() })
    await context.addInitScript(recordStreams)
    const page = await context.newPage()
    page.setDefaultTimeout(UI_TIMEOUT_MS)
    try {
      // The link that launched the app: taken by the window when it starts.
      const first = generateCode().words
      links.offer(toLink(first))
      await page.goto(b.url)
      await page.locator('[data-testid="code-filled"][data-from="link"]').waitFor()
      assert.deepEqual(await fieldValues(page), first)
      assert.equal(await page.getByTestId('join-progress').count(), 0)
      await shot(page, 'link-05-desktop-link')

      // A link opened while the window is up: main nudges (as main.ts does on 'second-instance'/'open-url').
      const second = generateCode().words
      links.offer(toLink(second))
      await page.evaluate(() => (window as unknown as { __linkOpened: () => void }).__linkOpened())
      await page.waitForFunction(
        (word) => (document.querySelector('[data-testid="word-input-1"]') as HTMLInputElement).value === word,
        second[0]
      )
      assert.deepEqual(await fieldValues(page), second)
      links.offer('pairwise://pair?code=legal-winner-thank')
      await page.evaluate(() => (window as unknown as { __linkOpened: () => void }).__linkOpened())
      await page.getByTestId('paste-error').waitFor()
      assert.match(await page.getByTestId('paste-error').innerText(), /Found 3 words/)

      // Scanning asks main to allow the camera first and to take it back after.
      await page.getByTestId('scan-camera').click()
      await page.locator('[data-testid="code-filled"][data-from="camera"]').waitFor()
      assert.deepEqual(await fieldValues(page), wordsA)
      await page.getByTestId('scan-camera').waitFor()
      assert.equal(await liveTracks(page), 0)
      assert.deepEqual(camera.log, ['open', 'close'])
      assert.equal(camera.isOpen(), false)
    } finally {
      await context.close()
    }
  })

  it('Scan with camera reads A’s QR code into the fields; Pair is still a click, and pairs', async () => {
    await pageB.getByTestId('scan-camera').click()
    await pageB.locator('[data-testid="code-filled"][data-from="camera"]').waitFor()
    assert.deepEqual(await fieldValues(pageB), wordsA)
    assert.equal(await liveTracks(pageB), 0, 'the camera stopped once the code was read')
    assert.equal(await pageB.getByTestId('camera-video').isVisible(), false)
    assert.equal(await pageB.getByTestId('join-progress').count(), 0, 'reading the code did not start pairing')
    await pageB.locator('[data-testid="checksum-status"][data-state="ok"]').waitFor()
    await shot(pageB, 'link-06-camera-filled')

    await pageB.getByTestId('join-button').click()
    await allowJoiner(pageA)
    await pageB.getByTestId('join-success').waitFor({ timeout: 45_000 })
    await pageA.getByTestId('tab-pair').click()
    await pageA.locator('[data-testid="session-status"][data-state="paired"]').waitFor()
    assert.match(await pageA.getByTestId('session-status').innerText(), /Bob laptop/)
    await shot(pageB, 'link-07-camera-paired')
  })
})
