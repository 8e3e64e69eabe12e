import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { rendererDir } from './package-info.ts'

// The web UI is built once (npm builds it; a source checkout builds it on the
// first `pairwise daemon --ui`). esbuild is needed only then, so the build
// (main/build/renderer.ts, which imports esbuild) is loaded only then.

export async function ensureRendererBuilt(notice: (text: string) => void): Promise<string> {
  const dir = rendererDir()
  if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'main.js'))) return dir
  notice('pairwise: building the web UI (first run only)…')
  const { buildRenderer } = await import('../build/renderer.ts')
  await buildRenderer(dir)
  return dir
}
