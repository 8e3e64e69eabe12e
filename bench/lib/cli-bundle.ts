// A fresh CLI bundle for the start-up benchmarks, built into bench/results/
// (git-ignored) rather than dist/: dist/ belongs to `scripts/build-cli.ts`
// and may be stale or mid-rebuild while sources change. The options mirror
// scripts/build-cli.ts (one entry, a chunk per lazily loaded command, minified ESM).
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { build, type Plugin } from 'esbuild'
import { RESULTS_DIR, ROOT } from './stats.ts'

export const BUNDLE_DIR = path.join(RESULTS_DIR, 'cli-bundle')
export const BUNDLE_ENTRY = path.join(BUNDLE_DIR, 'cli.mjs')

const englishWordsOnly: Plugin = {
  name: 'bip39-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/wordlists\/[a-z_]+\.json$/ }, (args) => {
      const omit = args.path !== './wordlists/english.json' && args.importer.includes(`${path.sep}bip39${path.sep}`)
      return omit ? { path: args.path, namespace: 'bip39-omitted' } : undefined
    })
    b.onLoad({ filter: /.*/, namespace: 'bip39-omitted' }, () => ({ contents: 'throw new Error("word list not bundled")', loader: 'js' }))
  }
}

export async function buildBenchBundle(): Promise<{ ms: number; bytes: number }> {
  const started = performance.now()
  await rm(BUNDLE_DIR, { recursive: true, force: true })
  const result = await build({
    entryPoints: { cli: path.join(ROOT, 'main', 'headless', 'cli.ts') },
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'cli-chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    banner: { js: "import { createRequire as __pairwiseRequire } from 'node:module'; const require = __pairwiseRequire(import.meta.url);" },
    external: ['esbuild'],
    plugins: [englishWordsOnly],
    metafile: true,
    logLevel: 'warning'
  })
  const bytes = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs')).reduce((sum, [, o]) => sum + o.bytes, 0)
  return { ms: performance.now() - started, bytes }
}
