// A fresh CLI bundle for the start-up benchmarks, built into bench/results/
// (git-ignored) rather than dist/: dist/ belongs to `npm run build:cli` and may
// be stale or mid-rebuild while sources change. Same build, other folder.
import path from 'node:path'
import { buildCli } from '../../scripts/build-cli.ts'
import { RESULTS_DIR } from './stats.ts'

export const BUNDLE_DIR = path.join(RESULTS_DIR, 'cli-bundle')
export const BUNDLE_ENTRY = path.join(BUNDLE_DIR, 'cli.mjs')

export async function buildBenchBundle(): Promise<{ ms: number; bytes: number }> {
  const started = performance.now()
  const { bytes } = await buildCli(BUNDLE_DIR)
  return { ms: performance.now() - started, bytes }
}
