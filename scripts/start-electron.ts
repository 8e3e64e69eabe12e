import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { buildElectron } from './build-electron.ts'

// `npm start`: build, make sure the Electron binary is there, launch the app.
//
// Installs run with ignore-scripts (.npmrc), so electron's postinstall never
// downloaded its binary; it is fetched here, on first start, by the electron
// package's own installer. The `electron` module itself is not imported: its
// index.js starts that download as a side effect of being loaded.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = path.join(root, 'node_modules', 'electron')

function installedBinary(): string | null {
  const pathFile = path.join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

function ensureBinary(): string | null {
  const present = installedBinary()
  if (present !== null) return present
  console.log('Downloading the Electron binary (first start only)…')
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit' })
  return result.status === 0 ? installedBinary() : null
}

await buildElectron()

const binary = ensureBinary()
if (binary === null) {
  console.error(
    [
      '',
      'The Electron binary could not be downloaded (it comes from github.com, not from the npm registry).',
      'You can still use Pairwise with the same interface in your browser:',
      '',
      '    npx pairwise daemon --ui',
      '',
      'and open the link it prints. To retry the desktop app later, run `npm start` again.'
    ].join('\n')
  )
  process.exit(1)
}

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
