import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { MDNS_SERVICE_TAG } from '../engine/node/libp2p-node.ts'
import { LINK_SCHEME } from './opened-links.ts'

// The packaging config cannot be exercised here (electron-builder would
// download Electron), so it is checked offline: against the JSON schema that
// electron-builder itself validates with, and through its own loader.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const load = createRequire(import.meta.url)

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null }
type AjvConstructor = new (options: Record<string, unknown>) => { compile(schema: unknown): Validate }
// ajv and js-yaml come with electron-builder (app-builder-lib depends on both).
const Ajv = (load('ajv') as { default: AjvConstructor }).default
const yaml = load('js-yaml') as { load(text: string): unknown }
const electronBuilderConfig = load('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<Record<string, unknown>>
  validateConfiguration(
    config: Record<string, unknown>,
    debugLogger: { isEnabled: boolean; add(): void }
  ): Promise<void>
}

const configText = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')
/** What the assertions below read; the schema test checks the whole file. */
interface BuilderConfig {
  appId: string
  productName: string
  asar: boolean
  files: string[]
  directories: { output: string }
  electronFuses: Record<string, boolean>
  linux: { target: string[]; category: string }
  mac: {
    target: string
    entitlements: string
    entitlementsInherit: string
    extendInfo: {
      NSLocalNetworkUsageDescription: string
      NSBonjourServices: string[]
      NSCameraUsageDescription: string
    }
  }
  protocols: Array<{ name: string; schemes: string[] }>
  win: { target: string }
}
const config = yaml.load(configText) as BuilderConfig

test('electron-builder.yml matches electron-builder’s JSON schema', () => {
  const schema = JSON.parse(readFileSync(path.join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'))
  // Like electron-builder's own validator, minus coerceTypes: a string where a boolean belongs is an error here.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
  const valid = validate(config)
  assert.ok(valid, `schema errors: ${JSON.stringify(validate.errors, null, 2)}`)
})

test('electron-builder loads and accepts the config the way a build would', async () => {
  const loaded = await electronBuilderConfig.getConfig(root, null, null)
  assert.equal(loaded.appId, config.appId)
  await electronBuilderConfig.validateConfiguration(loaded, { isEnabled: false, add() {} })
})

test('the schema check does catch mistakes', () => {
  const schema = JSON.parse(readFileSync(path.join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'))
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
  assert.equal(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }), false)
  assert.equal(validate({ ...config, linux: { ...config.linux, target: 'AppImage', categry: 'Network' } }), false)
})

test('targets: AppImage and deb (Network), dmg, nsis', () => {
  assert.equal(config.productName, 'Pairwise')
  assert.match(config.appId, /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i)
  assert.deepEqual(config.linux.target, ['AppImage', 'deb'])
  assert.equal(config.linux.category, 'Network')
  assert.equal(config.mac.target, 'dmg')
  assert.equal(config.win.target, 'nsis')
  assert.equal(config.asar, true)
})

test('the app ships only the build output, from an asar', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }
  assert.ok(pkg.main.startsWith('dist/electron/'), 'package.json main is inside the packaged files')
  assert.ok(config.files.includes('dist/electron/**'))
  assert.ok(config.files.includes('dist/renderer/**'))
  assert.ok(config.files.includes('!node_modules/**'))
  // Sources and test-support/ stay out because nothing but package.json and the build output is included;
  // and the bundles hold no test-support/ code because no shipped module may import it (eslint.config.js).
  const included = config.files.filter((pattern) => !pattern.startsWith('!'))
  assert.ok(
    included.every((pattern) => pattern === 'package.json' || pattern.startsWith('dist/')),
    included.join(', ')
  )
  assert.notEqual(config.directories.output, 'dist', 'packages must not land in the build output folder')
})

test('fuses lock the binary down', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false
  })
})

test('macOS explains local-network use and declares the mDNS service Pairwise browses', () => {
  const info = config.mac.extendInfo
  assert.equal(typeof info.NSLocalNetworkUsageDescription, 'string')
  assert.ok(info.NSLocalNetworkUsageDescription.length > 20)
  assert.deepEqual(info.NSBonjourServices, [MDNS_SERVICE_TAG.replace(/\.local$/, '')])
})

test('pairwise:// links open the app: one protocol, which the Linux .desktop file lists as a MimeType', async () => {
  assert.deepEqual(
    config.protocols.flatMap((p) => p.schemes),
    [LINK_SCHEME]
  )
  // electron-builder's own .desktop writer turns the protocols into x-scheme-handler MimeTypes.
  const helper = load('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
    LinuxTargetHelper: new (packager: unknown) => {
      computeDesktopEntry(options: Record<string, unknown>, exec?: string): Promise<string>
      getDesktopFileName(): string
    }
  }
  const packager = {
    config,
    platformSpecificBuildOptions: config.linux,
    fileAssociations: [],
    appInfo: {
      productName: 'Pairwise',
      productFilename: 'Pairwise',
      description: 'x',
      sanitizedName: 'pairwise',
      linuxPackageName: 'pairwise'
    },
    executableName: 'pairwise',
    // The metadata a build reads: package.json as it is.
    info: { metadata: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as unknown }
  }
  const entry = await new helper.LinuxTargetHelper(packager).computeDesktopEntry({}, 'pairwise')
  assert.match(entry, /^MimeType=x-scheme-handler\/pairwise;$/m)
  assert.match(entry, /^StartupWMClass=pairwise$/m, 'the window belongs to pairwise.desktop')
  assert.equal(new helper.LinuxTargetHelper(packager).getDesktopFileName(), 'pairwise')
  assert.match(config.mac.extendInfo.NSCameraUsageDescription, /camera/)
})

test('the hardened runtime may use the camera, and keeps what Electron needs to run', () => {
  assert.equal(config.mac.entitlements, config.mac.entitlementsInherit)
  const ours = readFileSync(path.join(root, config.mac.entitlements), 'utf8')
  const defaults = readFileSync(
    path.join(root, 'node_modules', 'app-builder-lib', 'templates', 'entitlements.mac.plist'),
    'utf8'
  )
  const keys = (plist: string) => [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1])
  assert.deepEqual(keys(ours), [...keys(defaults), 'com.apple.security.device.camera'])
  assert.equal(keys(ours).includes('com.apple.security.device.audio-input'), false, 'never the microphone')
})
