import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

// The import direction between top-level folders. ESLint's no-restricted-imports
// (eslint.config.js) sees only static imports; the CLI loads most of its code
// with import(), which is where a main/ → renderer/ import once hid. This reads
// every specifier, static or dynamic.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => path.join(dir, file))
}

function specifiers(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8')
  const found: string[] = []
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g
  for (const match of text.matchAll(pattern)) found.push(match[1]!)
  return found
}

/** The top-level folder an import lands in, for relative specifiers. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  return path.relative(root, path.resolve(root, path.dirname(file), specifier)).split(path.sep)[0]
}

test('main/ and shared/ import neither renderer/ nor scripts/', () => {
  const offending: string[] = []
  for (const file of [...sources('main'), ...sources('shared')]) {
    for (const specifier of specifiers(file)) {
      const folder = target(file, specifier)
      if (folder === 'renderer' || folder === 'scripts') offending.push(`${file} → ${specifier}`)
    }
  }
  assert.deepEqual(offending, [])
})

test('shared/ imports nothing from main/', () => {
  const offending = sources('shared').flatMap((file) =>
    specifiers(file)
      .filter((s) => target(file, s) === 'main')
      .map((s) => `${file} → ${s}`)
  )
  assert.deepEqual(offending, [])
})
