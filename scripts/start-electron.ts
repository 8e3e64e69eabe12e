import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { buildElectron } from './build-electron.ts'
import { downloadAdvice, ensureElectronBinary } from './electron-download.ts'

// `npm start`: build, make sure the Electron binary is there, launch the app.
//
// Installs run with ignore-scripts (.npmrc), so electron's postinstall never
// downloaded its binary; it is fetched here, on first start, by the electron
// package's own installer. The `electron` module itself is not imported: its
// index.js starts that download as a side effect of being loaded.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = path.join(root, 'node_modules', 'electron')

await buildElectron()

const found = ensureElectronBinary(electronDir, (line) => console.log(line))
if (!found.ok) {
  // Only the advice (and the one-line reason): the installer's stack trace stays out of sight.
  console.error(downloadAdvice(found.reason))
  process.exit(1)
}
const binary = found.binary

// Inherited from a shell, this would make the binary behave as plain Node.
const env = { ...process.env }
delete env.ELECTRON_RUN_AS_NODE

const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal))
}
child.on('error', (err) => {
  console.error(`Electron could not be started: ${err.message}`)
  console.error('Run `npx pairwise daemon --ui` to use Pairwise in your browser instead.')
  process.exit(1)
})
child.on('exit', (code, signal) => {
  if (signal !== null) console.error(`Electron exited on ${signal}`)
  process.exit(code ?? 1)
})
