import assert from 'node:assert/strict'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { electronBuildOptions } from '../build/electron.ts'
import { buildRenderer } from '../build/renderer.ts'
import { toLink } from '../../shared/code/index.ts'
import { dataFiles } from '../engine/service/data-dir.ts'
import { CAMERA_CHANNEL, LINK_OPENED_CHANNEL, TAKE_LINK_CHANNEL } from './channels.ts'
import { createFakeElectron, type FakeElectron } from '../../test-support/electron/fake-electron-module.ts'
import { subFrame, topFrame } from '../../test-support/electron/fake-ipc.ts'
import { FakeSafeStorage } from '../../test-support/electron/fake-safe-storage.ts'
import { eventually } from '../../test-support/eventually.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

// Boots the real bundle, dist/electron/main.cjs, in plain Node against a fake
// `electron` module: the Electron binary cannot run here, but the order of
// calls, the window's settings, the protocol handler, IPC and the shutdown
// can still be checked on the code that ships.
//
// The one change to the bundle: its service listens on 127.0.0.1 with mDNS
// off (DESIGN.md §5), swapped in at bundling time so main.ts stays as shipped.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const temp = new TempDirs('main-process')
const work = temp.make()
const appPath = path.join(work, 'app')
const mainBundle = path.join(appPath, 'dist', 'electron', 'main.cjs')
const electronShim = path.join(appPath, 'node_modules', 'electron', 'index.js')
const FAKE_KEY = '__pairwiseFakeElectron'
// How long a step of the app's start or shutdown may take on a loaded CI machine.
const APP_EVENT = { timeoutMs: 15_000, intervalMs: 20 }

const loopbackService: Plugin = {
  name: 'loopback-service',
  setup(b) {
    b.onResolve({ filter: /\/service\/service\.ts$/ }, (args) =>
      args.importer.endsWith(path.join('electron', 'main.ts'))
        ? { path: 'loopback-service', namespace: 'pairwise-test' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'pairwise-test' }, () => ({
      loader: 'ts',
      resolveDir: path.join(root, 'main', 'engine', 'service'),
      contents: [
        "import { createPairingService as create } from './service.ts'",
        "import { LOOPBACK } from '../../../test-support/engine/loopback-network.ts'",
        'export const createPairingService = (options: Parameters<typeof create>[0]) => create({ ...options, network: { ...LOOPBACK, bootstrap: [] } })'
      ].join('\n')
    }))
  }
}

before(async () => {
  const options = electronBuildOptions(path.join(appPath, 'dist'))
  await Promise.all([
    build({
      ...options.main,
      plugins: [...(options.main.plugins ?? []), loopbackService],
      sourcemap: false,
      legalComments: 'none'
    }),
    build({ ...options.preload, sourcemap: false, legalComments: 'none' }),
    buildRenderer(path.join(appPath, 'dist', 'renderer'))
  ])
  // `require('electron')` from the bundle finds this and gets the current fake.
  mkdirSync(path.dirname(electronShim), { recursive: true })
  writeFileSync(electronShim, `module.exports = globalThis.${FAKE_KEY}\n`)
})

const launched: FakeElectron[] = []

after(async () => {
  // A failed assertion must not leave a service running and the test process hanging.
  for (const fake of launched) {
    if (fake.quitted || fake.exitCode !== null) continue
    fake.electron.app.quit()
    await eventually('the cleanup quit', () => fake.quitted, { timeoutMs: 10_000, intervalMs: 20 }).catch(() => {})
  }
  temp.removeAll()
})

/** Loads a fresh copy of main.cjs against a new fake, as if the app were launched. */
function launch(
  options: { singleInstance?: boolean; safeStorage?: FakeSafeStorage; packaged?: boolean; argv?: string[] } = {}
): {
  fake: FakeElectron
  userData: string
} {
  const userData = temp.make('userData')
  const fake = createFakeElectron({
    appPath,
    userData,
    safeStorage: options.safeStorage ?? new FakeSafeStorage(),
    ...options
  })
  launched.push(fake)
  ;(globalThis as Record<string, unknown>)[FAKE_KEY] = fake.electron
  const load = createRequire(import.meta.url)
  delete load.cache[mainBundle]
  delete load.cache[electronShim]
  const previous = process.env.PAIRWISE_DATA_DIR
  delete process.env.PAIRWISE_DATA_DIR
  const argv = process.argv
  // What the OS started the app with; main reads it once, while loading.
  if (options.argv !== undefined) process.argv = options.argv
  try {
    load(mainBundle)
  } finally {
    if (previous !== undefined) process.env.PAIRWISE_DATA_DIR = previous
    process.argv = argv
  }
  return { fake, userData }
}

test('boots: privileged scheme and sandbox before ready, then service, IPC and one hardened window', async () => {
  const { fake, userData } = launch()

  assert.deepEqual(fake.schemes, [
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
  assert.ok(fake.log.includes('enableSandbox'))
  assert.equal(fake.windows.length, 0, 'no window before ready')
  assert.deepEqual(fake.protocolClients, [], 'a development checkout does not claim pairwise://')

  fake.fireReady()
  await eventually('the window', () => fake.windows.length === 1, APP_EVENT)
  const [window] = fake.windows
  assert.ok(window !== undefined)

  const prefs = window.options.webPreferences as Record<string, unknown>
  assert.equal(prefs.contextIsolation, true)
  assert.equal(prefs.sandbox, true)
  assert.equal(prefs.nodeIntegration, false)
  assert.equal(prefs.webSecurity, true)
  assert.equal(prefs.preload, path.join(appPath, 'dist', 'electron', 'preload.cjs'))
  assert.ok(existsSync(prefs.preload as string), 'the preload the window loads was built')
  assert.equal(window.options.minWidth, 800)
  assert.equal(window.options.minHeight, 600)
  assert.equal(window.loadedUrl, 'app://pairwise/index.html')

  // The renderer comes from the built folder, with the CSP header.
  const handler = fake.protocolHandlers.get('app')
  assert.ok(handler !== undefined)
  const page = await handler(new Request('app://pairwise/index.html'))
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<div id="root">/)
  assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self'(;|$)/)

  // Permissions: all denied but writing to the clipboard from our page.
  const { request, check } = fake.permissions
  assert.ok(request !== undefined && check !== undefined)
  const decide = (permission: string, url: string) => {
    let granted: boolean | undefined
    request(null, permission, (value: boolean) => (granted = value), { requestingUrl: url, isMainFrame: true })
    return granted
  }
  assert.equal(decide('geolocation', 'app://pairwise/index.html'), false)
  assert.equal(decide('media', 'app://pairwise/index.html'), false)
  assert.equal(decide('clipboard-sanitized-write', 'https://evil.example/'), false)
  assert.equal(decide('clipboard-sanitized-write', 'app://pairwise/index.html'), true)
  assert.equal(check(null, 'notifications', 'app://pairwise', { isMainFrame: true }), false)

  // The window's webContents was hardened through 'web-contents-created'.
  const contents = window.webContents
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/' }), { action: 'deny' })
  assert.equal(contents.navigate('will-navigate', 'https://evil.example/'), true)
  assert.equal(contents.navigate('will-frame-navigate', 'file:///etc/passwd'), true)
  assert.equal(contents.navigate('will-redirect', 'https://evil.example/'), true)
  assert.equal(contents.navigate('will-navigate', 'app://pairwise/index.html'), false)
  assert.equal(contents.navigate('will-attach-webview', 'app://pairwise/index.html'), true)

  // IPC answers our top frame, with the real service behind it, and nobody else.
  const state = (await fake.ipcMain.invoke(topFrame(), { method: 'getState', params: {} })) as {
    ok: boolean
    result: { thisDevice: { secretProtection: string } }
  }
  assert.equal(state.ok, true)
  assert.equal(state.result.thisDevice.secretProtection, 'os-keystore')
  assert.deepEqual(
    ((await fake.ipcMain.invoke(subFrame(), { method: 'getState', params: {} })) as { ok: boolean }).ok,
    false
  )

  // A second launch brings this window forward instead of opening another.
  fake.appEvents.emit('second-instance')
  assert.equal(fake.windows.length, 1)
  assert.equal(window.focused, 1)

  // Closing the last window quits, and quitting stops the service first.
  assert.ok(existsSync(dataFiles(userData).lock))
  if (process.platform === 'darwin') fake.electron.app.quit()
  else fake.appEvents.emit('window-all-closed')
  await eventually('the quit', () => fake.quitted, APP_EVENT)
  assert.equal(existsSync(dataFiles(userData).lock), false, 'the service released the data folder')
  assert.equal(fake.ipcMain.handlers.size, 0, 'IPC was taken down')
})

test('a second instance quits at once and starts nothing', () => {
  const { fake } = launch({ singleInstance: false })
  assert.ok(fake.log.includes('quit'))
  fake.fireReady()
  assert.equal(fake.windows.length, 0)
  assert.deepEqual(fake.appEvents.eventNames(), [], 'no app listeners: nothing else happens')
})

test('without a usable keystore it says so and exits, with no window', async () => {
  const { fake } = launch({ safeStorage: new FakeSafeStorage({ available: false }) })
  fake.fireReady()
  await eventually('the exit', () => fake.exitCode !== null, APP_EVENT)
  assert.equal(fake.exitCode, 1)
  assert.equal(fake.windows.length, 0)
  assert.equal(fake.errorBoxes.length, 1)
  assert.match(fake.errorBoxes[0]!.content, /keystore is not available/)
})

test('a pairwise:// link fills the Enter code screen: at launch, from a second instance, from macOS', async () => {
  const first = 'legal winner thank year wave sausage worth useful legal winner thank yellow'.split(' ')
  const second = 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above'.split(' ')
  const { fake } = launch({ packaged: true, argv: ['/opt/Pairwise/pairwise', '--no-sandbox', toLink(first)] })
  assert.deepEqual(fake.protocolClients, ['pairwise'], 'the installed app claims the scheme')
  fake.fireReady()
  await eventually('the window', () => fake.windows.length === 1, APP_EVENT)
  const [window] = fake.windows
  assert.ok(window !== undefined)
  const take = () => fake.ipcMain.invokeOn(TAKE_LINK_CHANNEL, topFrame())

  // The link that launched the app waits for the window; an iframe cannot take it.
  assert.equal(await fake.ipcMain.invokeOn(TAKE_LINK_CHANNEL, subFrame()), null)
  assert.deepEqual(await take(), { ok: true, words: first })
  assert.equal(await take(), null)

  // Windows/Linux: the OS starts a second copy with the link; it quits, and this one gets its arguments.
  const focused = window.focused
  fake.appEvents.emit('second-instance', {}, ['/opt/Pairwise/pairwise', toLink(second)], '/home/someone')
  assert.deepEqual(window.webContents.sent, [[LINK_OPENED_CHANNEL]], 'the window is nudged, with no payload')
  assert.equal(window.focused, focused + 1)
  assert.deepEqual(await take(), { ok: true, words: second })

  // macOS: open-url, here with a link that is not a pairing link: the window hears why, nothing else happens.
  let prevented = false
  fake.appEvents.emit('open-url', { preventDefault: () => (prevented = true) }, 'pairwise://devices?revoke=all')
  assert.ok(prevented)
  const refused = (await take()) as { ok: boolean; message: string }
  assert.equal(refused.ok, false)
  assert.match(refused.message, /not a pairing link/)

  // The camera: only for our top frame, video only, and only between the window's start and end of a scan.
  const { request } = fake.permissions
  assert.ok(request !== undefined)
  const camera = (mediaTypes: string[], url = 'app://pairwise/index.html', isMainFrame = true) => {
    let granted: boolean | undefined
    request(null, 'media', (value: boolean) => (granted = value), { requestingUrl: url, isMainFrame, mediaTypes })
    return granted
  }
  assert.equal(camera(['video']), false, 'not while no scan runs')
  assert.equal(await fake.ipcMain.invokeOn(CAMERA_CHANNEL, subFrame(), { scanning: true }), false)
  assert.equal(camera(['video']), false, 'an iframe cannot open the gate')
  assert.equal(await fake.ipcMain.invokeOn(CAMERA_CHANNEL, topFrame(), { scanning: true }), true)
  assert.equal(camera(['video']), true)
  assert.equal(camera(['video', 'audio']), false, 'never the microphone')
  assert.equal(camera(['audio']), false)
  assert.equal(camera([]), false)
  assert.equal(camera(['video'], 'https://evil.example/'), false)
  assert.equal(camera(['video'], 'app://pairwise/index.html', false), false)
  assert.equal(
    fake.permissions.check?.(null, 'media', 'app://pairwise', { isMainFrame: true, mediaType: 'video' }),
    true
  )
  assert.equal(
    fake.permissions.check?.(null, 'media', 'app://pairwise', { isMainFrame: true, mediaType: 'audio' }),
    false
  )
  assert.equal(await fake.ipcMain.invokeOn(CAMERA_CHANNEL, topFrame(), { scanning: false }), true)
  assert.equal(camera(['video']), false, 'closed again after the scan')
  assert.equal(
    fake.permissions.check?.(null, 'media', 'app://pairwise', { isMainFrame: true, mediaType: 'video' }),
    false
  )

  fake.electron.app.quit()
  await eventually('the quit', () => fake.quitted, APP_EVENT)
  assert.equal(fake.ipcMain.handlers.size, 0, 'the desktop channels were taken down too')
})
