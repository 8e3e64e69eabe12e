import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'

/**
 * @achingbrain/ssdp (under @libp2p/upnp-nat) reads its own package.json at
 * load time with createRequire(import.meta.url). In a bundle that path points
 * elsewhere (and a CommonJS bundle has no import.meta.url at all), so loading
 * the bundle would throw. This rewrites that one read into a JSON import that
 * esbuild inlines. Used by every esbuild build that bundles the engine.
 */
export const inlineSsdpPackageJson: Plugin = {
  name: 'inline-ssdp-package-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]@achingbrain[\\/]ssdp[\\/]dist[\\/]src[\\/]ssdp\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const read = "const req = createRequire(import.meta.url);\nconst { name, version } = req('../../package.json');"
      if (!source.includes(read)) throw new Error('@achingbrain/ssdp changed: update main/build/inline-package-json.ts')
      const contents = source.replace(
        read,
        "import ssdpPackage from '../../package.json';\nconst { name, version } = ssdpPackage;"
      )
      return { contents, loader: 'js' }
    })
  }
}
