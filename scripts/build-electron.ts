import { mkdir, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { build } from 'esbuild'
import { electronBuildOptions } from '../main/build/electron.ts'
import { buildRenderer } from '../main/build/renderer.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_DIST_DIR = path.join(root, 'dist')

// The esbuild options live in main/build/electron.ts: main-process.test.ts boots the same bundle.

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
