import { copyFile, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { build } from 'esbuild'
import { packageInfo, rendererDir as defaultOutDir } from '../headless/package-info.ts'

// Bundling the React UI is not only a build step: `pairwise daemon --ui` runs
// it from a source checkout on first use (main/headless/renderer-files.ts). So
// it lives in main/, and scripts/build-renderer.ts and scripts/build-electron.ts
// call it — main/ never imports scripts/. The package root comes from
// package.json, not this file's place, because the CLI bundle moves this code
// into dist/cli-chunks/.

// Static files are copied, never templated: the CSP allows no inline script or style.
const STATIC_FILES = ['index.html', 'styles.css']

/** Bundles the React UI into `outDir`, by default dist/renderer (main.js + source map, index.html, styles.css). */
export async function buildRenderer(outDir: string = defaultOutDir()): Promise<void> {
  const rendererDir = path.join(packageInfo().root, 'renderer')
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  await build({
    entryPoints: { main: path.join(rendererDir, 'main.tsx') },
    outdir: outDir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome120'],
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    // React picks its production build from this; without it the bundle would carry the dev checks.
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning'
  })
  await Promise.all(STATIC_FILES.map((file) => copyFile(path.join(rendererDir, file), path.join(outDir, file))))
}
