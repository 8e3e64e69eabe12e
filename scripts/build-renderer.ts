import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildRenderer } from '../main/build/renderer.ts'
import { rendererDir } from '../main/headless/package-info.ts'

// `node scripts/build-renderer.ts [outDir]`. The build itself is in main/build/renderer.ts
// because `pairwise daemon --ui` runs it too, and main/ must not import scripts/.

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? rendererDir() : path.resolve(process.argv[2])
  await buildRenderer(outDir)
  console.log(`renderer built into ${path.relative(process.cwd(), outDir) || '.'}`)
}
