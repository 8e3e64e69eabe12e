import path from 'node:path'
import type { Plugin } from 'esbuild'

/**
 * bip39 requires every language's word list inside try/catch so that bundles can leave out the
 * ones they do not use; codes are English only, and the others would be a third of a bundle.
 * Shared by every esbuild build (renderer, CLI, Electron main).
 */
export const bip39EnglishOnly: Plugin = {
  name: 'bip39-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/wordlists\/[a-z_]+\.json$/ }, (args) => {
      const omit = args.path !== './wordlists/english.json' && args.importer.includes(`${path.sep}bip39${path.sep}`)
      return omit ? { path: args.path, namespace: 'bip39-omitted' } : undefined
    })
    b.onLoad({ filter: /.*/, namespace: 'bip39-omitted' }, () => ({ contents: 'throw new Error("word list not bundled")', loader: 'js' }))
  }
}
