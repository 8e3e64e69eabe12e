import path from 'node:path'
import type { BuildOptions } from 'esbuild'
import { packageInfo } from '../headless/package-info.ts'
import { inlineSsdpPackageJson } from './inline-package-json.ts'

// The esbuild options of the Electron app. Here rather than in scripts/ so that
// main/electron/main-process.test.ts can boot exactly the bundle that ships
// without main/ importing scripts/; scripts/build-electron.ts uses them too.

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
  const root = packageInfo().root
  const outDir = path.join(distDir, 'electron')
  const common: BuildOptions = {
    bundle: true,
    format: 'cjs',
    external: ['electron'],
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [inlineSsdpPackageJson]
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
