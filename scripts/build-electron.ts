import { mkdir, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { build } from 'esbuild'
import type { BuildOptions } from 'esbuild'
import { buildRenderer } from './build-renderer.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_DIST_DIR = path.join(root, 'dist')

// Electron 45 ships Node 22 and Chromium 14x.
const NODE_TARGET = 'node22'
const CHROME_TARGET = 'chrome130'

/**
 * What the app runs: `<dist>/electron/main.cjs` (main process with the whole
 * engine bundled in, so the packaged app needs no node_modules) and
 * `<dist>/electron/preload.cjs`.
 *
 * Main is CommonJS because package.json's "main" points there, and because
 * Electron loads an ES-module main asynchronously: the calls that must come
 * before 'ready' (setPath, registerSchemesAsPrivileged) would need care that
 * a synchronous require() does not. The preload must be CommonJS: sandboxed
 * preloads cannot load ES modules.
 */
export function electronBuildOptions(distDir: string): { main: BuildOptions; preload: BuildOptions } {
  const outDir = path.join(distDir, 'electron')
  const common: BuildOptions = {
    bundle: true,
    format: 'cjs',
    external: ['electron'],
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning'
  }
  return {
    main: {
      ...common,
      entryPoints: [path.join(root, 'main', 'electron', 'main.ts')],
      outfile: path.join(outDir, 'main.cjs'),
      platform: 'node',
      target: NODE_TARGET
    },
    preload: {
      ...common,
      entryPoints: [path.join(root, 'main', 'electron', 'preload.ts')],
      outfile: path.join(outDir, 'preload.cjs'),
      // The sandboxed preload has a browser-like global scope and a require() that knows only electron's modules.
      platform: 'browser',
      target: CHROME_TARGET
    }
  }
}

/** Main and preload into `<dist>/electron`, the renderer into `<dist>/renderer`. */
export async function buildElectron(distDir: string = DEFAULT_DIST_DIR): Promise<void> {
  const outDir = path.join(distDir, 'electron')
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  const options = electronBuildOptions(distDir)
  await Promise.all([build(options.main), build(options.preload), buildRenderer(path.join(distDir, 'renderer'))])
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const distDir = process.argv[2] === undefined ? DEFAULT_DIST_DIR : path.resolve(process.argv[2])
  await buildElectron(distDir)
  console.log(`electron app built into ${path.relative(process.cwd(), distDir) || '.'}`)
}
