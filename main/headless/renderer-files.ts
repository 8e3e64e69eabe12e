import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageInfo, rendererDir } from './package-info.ts'

// The web UI is built once (npm builds it; a source checkout builds it on the
// first `pairwise daemon --ui`). esbuild is needed only then, so it is loaded
// only then.

export async function ensureRendererBuilt(notice: (text: string) => void): Promise<string> {
  const dir = rendererDir()
  if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'main.js'))) return dir
  notice('pairwise: building the web UI (first run only)…')
  // By absolute path, so that it resolves the same from the sources and from the dist/cli.mjs bundle.
  const builder = pathToFileURL(join(packageInfo().root, 'scripts', 'build-renderer.ts')).href
  const { buildRenderer } = (await import(builder)) as { buildRenderer(outDir: string): Promise<void> }
  await buildRenderer(dir)
  return dir
}
