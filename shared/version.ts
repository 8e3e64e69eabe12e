// The app's version, from package.json alone. Node loads the JSON module when running the sources;
// esbuild inlines it into the CLI and Electron bundles, which then never look for package.json.
import pkg from '../package.json' with { type: 'json' }

export const APP_VERSION: string = pkg.version
