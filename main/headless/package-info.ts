import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The CLI runs from main/headless/ (source) or dist/ (bundle); walking up to
// the package.json works from both without baking in either layout. The version
// is not read here: shared/version.ts has it, for the CLI and the engine alike.

let cached: { root: string } | undefined

export function packageInfo(): { root: string } {
  if (cached !== undefined) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string }
      if (pkg.name === 'pairwise') return (cached = { root: dir })
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new Error('cannot find the pairwise package.json')
}

/** The built web UI, served by `pairwise daemon --ui`. */
export function rendererDir(): string {
  return join(packageInfo().root, 'dist', 'renderer')
}
