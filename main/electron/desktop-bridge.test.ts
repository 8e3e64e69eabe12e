import assert from 'node:assert/strict'
import { test } from 'node:test'
import { toLink } from '../../shared/code/index.ts'
import { OpenedLinkSchema } from '../../shared/opened-link.ts'
import { FakeIpcMain, subFrame, topFrame } from '../../test-support/electron/fake-ipc.ts'
import { CameraGate, MAX_SCAN_MS } from './camera-gate.ts'
import { CAMERA_CHANNEL, LINK_OPENED_CHANNEL, TAKE_LINK_CHANNEL } from './channels.ts'
import { createDesktopBridge } from './desktop-bridge.ts'
import { registerDesktopIpc } from './desktop-ipc.ts'
import { OpenedLinks, linkInArgv } from './opened-links.ts'

// window.pairwiseDesktop as the page sees it, wired through the fake IPC to
// main's real handlers: opened links and the camera gate.

const WORDS = 'legal winner thank year wave sausage worth useful legal winner thank yellow'.split(' ')
const LINK = toLink(WORDS)

function setUp(frame = topFrame()) {
  const ipcMain = new FakeIpcMain()
  const links = new OpenedLinks()
  let now = 1_000
  const camera = new CameraGate(() => now)
  const dispose = registerDesktopIpc({ ipcMain, links, camera })
  const nudges = new Set<() => void>()
  const bridge = createDesktopBridge(
    (channel, ...args) => ipcMain.invokeOn(channel, frame, ...args),
    (channel, onMessage) => {
      assert.equal(channel, LINK_OPENED_CHANNEL)
      nudges.add(onMessage)
    }
  )
  const nudge = (): void => nudges.forEach((n) => n())
  return { ipcMain, links, camera, bridge, nudge, dispose, advance: (ms: number) => (now += ms) }
}

test('the link in the launch arguments is found among the switches around it', () => {
  assert.equal(linkInArgv(['/opt/Pairwise/pairwise', '--no-sandbox', LINK]), LINK)
  assert.equal(
    linkInArgv(['C:\\Pairwise.exe', '--allow-file-access-from-files', LINK.toUpperCase()]),
    LINK.toUpperCase()
  )
  assert.equal(linkInArgv(['/opt/Pairwise/pairwise', 'https://example.com/', '--flag']), null)
  assert.equal(linkInArgv([]), null)
  assert.equal(linkInArgv(undefined), null)
  assert.equal(linkInArgv([42, null, { toString: () => LINK }]), null)
})

test('the window takes an opened link once: its words, never more', async () => {
  const { links, bridge } = setUp()
  assert.equal(await bridge.takeOpenedLink(), null)
  links.offer(LINK)
  const taken = await bridge.takeOpenedLink()
  assert.deepEqual(OpenedLinkSchema.parse(taken), { ok: true, words: WORDS })
  assert.deepEqual(taken, { ok: true, words: WORDS }, 'nothing but the words crosses to the page')
  assert.equal(await bridge.takeOpenedLink(), null, 'taking clears it')
})

test('a newer link replaces one not yet taken; a refused link is passed on as the reason', async () => {
  const { links, bridge } = setUp()
  links.offer(LINK)
  links.offer('pairwise://pair?code=legal-winner')
  const taken = OpenedLinkSchema.parse(await bridge.takeOpenedLink())
  assert.equal(taken.ok, false)
  if (!taken.ok) assert.match(taken.message, /Found 2 words/)
  links.offer('pairwise://settings?delete=all')
  const odd = OpenedLinkSchema.parse(await bridge.takeOpenedLink())
  assert.equal(odd.ok, false)
  if (!odd.ok) assert.match(odd.message, /not a pairing link/)
})

test('main’s nudge reaches every listener until it is undone', () => {
  const { bridge, nudge } = setUp()
  let first = 0
  let second = 0
  const undo = bridge.onLinkOpened(() => first++)
  bridge.onLinkOpened(() => second++)
  nudge()
  undo()
  nudge()
  assert.deepEqual([first, second], [1, 2])
  assert.throws(() => bridge.onLinkOpened('x' as unknown as () => void), TypeError)
})

test('an iframe or another page gets neither the link nor the camera', async () => {
  for (const frame of [subFrame(), topFrame('https://evil.example/')]) {
    const { links, camera, bridge } = setUp(frame)
    links.offer(LINK)
    assert.equal(await bridge.takeOpenedLink(), null)
    assert.equal(await bridge.setCameraScanning(true), false)
    assert.equal(camera.isOpen(), false)
  }
})

test('the camera gate opens for a scan, closes after it, and closes by itself if never closed', async () => {
  const { ipcMain, camera, bridge, advance } = setUp()
  assert.equal(camera.isOpen(), false)
  assert.equal(await bridge.setCameraScanning(true), true)
  assert.equal(camera.isOpen(), true)
  assert.equal(await bridge.setCameraScanning(false), true)
  assert.equal(camera.isOpen(), false)

  await bridge.setCameraScanning(true)
  advance(MAX_SCAN_MS - 1)
  assert.equal(camera.isOpen(), true)
  advance(1)
  assert.equal(camera.isOpen(), false)

  // Anything but { scanning: boolean } is refused and changes nothing.
  for (const request of [undefined, { scanning: 'yes' }, { scanning: true, extra: 1 }, 'true']) {
    assert.equal(await ipcMain.invokeOn(CAMERA_CHANNEL, topFrame(), request), false)
    assert.equal(camera.isOpen(), false)
  }
})

test('dispose removes both handlers', () => {
  const { ipcMain, dispose } = setUp()
  assert.ok(ipcMain.handlers.has(TAKE_LINK_CHANNEL) && ipcMain.handlers.has(CAMERA_CHANNEL))
  dispose()
  assert.equal(ipcMain.handlers.size, 0)
})
