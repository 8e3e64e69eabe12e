import { copyFile, mkdir, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rendererDir = path.join(root, 'renderer')
export const DEFAULT_OUT_DIR = path.join(root, 'dist', 'renderer')

// Static files are copied, never templated: the CSP allows no inline script or style.
const STATIC_FILES = ['index.html', 'styles.css']

/** Bundles the React UI into `outDir` (main.js + source map, index.html, styles.css). */
export async function buildRenderer(outDir: string = DEFAULT_OUT_DIR): Promise<void> {
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

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? DEFAULT_OUT_DIR : path.resolve(process.argv[2])
  await buildRenderer(outDir)
  console.log(`renderer built into ${path.relative(process.cwd(), outDir) || '.'}`)
}
