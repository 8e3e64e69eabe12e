import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { LOOPBACK_NET } from '../../../test-support/cli.ts'
import { PUBLIC_BOOTSTRAP_ENV, resolvePublicBootstrap } from './public-bootstrap.ts'
import { WELL_KNOWN_PUBLIC_BOOTSTRAP } from './public-network.ts'

// The lab rules say tests and benchmarks never dial, resolve or list the real
// public network's bootstrap peers. These tests fail if any test, lab or
// benchmark configuration could ever include them.

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** Build outputs the benchmarks write (bench/results/cli-bundle bundles the engine, list and all). */
const GENERATED = new Set(['node_modules', 'results', 'dist', 'test-artifacts'])

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (GENERATED.has(name) || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...filesUnder(path))
    else if (/\.(ts|tsx|mjs|js|json|sh)$/.test(name)) out.push(path)
  }
  return out
}

/** What identifies a well-known bootstrap peer in text: its peer id, and the hosts of the list. */
const MARKERS = [...new Set(WELL_KNOWN_PUBLIC_BOOTSTRAP.flatMap((a) => [a.split('/p2p/').at(-1)!, a.split('/')[2]!]))]

describe('public-network bootstrap list', () => {
  it('is the well-known list only for a real run: never under node --test, in a NAT lab or on loopback', () => {
    assert.deepEqual(resolvePublicBootstrap({ enabled: true }, {}), [...WELL_KNOWN_PUBLIC_BOOTSTRAP])
    assert.deepEqual(resolvePublicBootstrap({ enabled: true }, { NODE_TEST_CONTEXT: 'child-v8' }), [])
    assert.deepEqual(resolvePublicBootstrap({ enabled: true }, { PAIRWISE_TEST_PUBLIC_CIDRS: '10.250.0.0/24' }), [])
    assert.deepEqual(resolvePublicBootstrap({ enabled: true, loopback: true }, {}), [])
    assert.deepEqual(resolvePublicBootstrap({ enabled: false }, {}), [])
    // This very process runs under node --test: whatever a test forgets, it gets nothing.
    assert.equal(process.env.NODE_TEST_CONTEXT !== undefined, true)
    assert.deepEqual(resolvePublicBootstrap({ enabled: true }), [])
  })

  it('takes an injected list (the lab’s simulated network) instead, and --no-public-network still wins', () => {
    const lab = '/ip4/10.250.0.10/tcp/4001/p2p/12D3KooWLabLabLabLabLabLabLabLabLabLabLabLabLabLabLab'
    const env = { NODE_TEST_CONTEXT: 'child-v8', [PUBLIC_BOOTSTRAP_ENV]: ` ${lab} ,` }
    assert.deepEqual(resolvePublicBootstrap({ enabled: true }, env), [lab])
    assert.deepEqual(resolvePublicBootstrap({ enabled: true, loopback: true }, env), [lab])
    assert.deepEqual(resolvePublicBootstrap({ enabled: false }, env), [])
    assert.deepEqual(resolvePublicBootstrap({ enabled: true }, { [PUBLIC_BOOTSTRAP_ENV]: '' }), [])
  })

  it('appears in no test, lab or benchmark file, and CLI tests run on loopback', () => {
    const files = ['test-support', 'e2e', 'bench', 'scripts', '.ci'].flatMap((d) => {
      try {
        return filesUnder(join(ROOT, d))
      } catch {
        return []
      }
    })
    const tests = filesUnder(join(ROOT, 'main')).filter((f) => f.endsWith('.test.ts'))
    assert.ok(files.length > 20, `expected to scan the test folders, found ${files.length} files`)
    for (const file of [...files, ...tests]) {
      const text = readFileSync(file, 'utf8')
      for (const marker of MARKERS)
        assert.ok(!text.includes(marker), `${relative(ROOT, file)} mentions a public bootstrap peer (${marker})`)
    }
    assert.ok(LOOPBACK_NET.includes('--loopback'), 'CLI tests must pass --loopback')
  })
})
