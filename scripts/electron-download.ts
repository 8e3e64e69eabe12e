import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

// The Electron binary for `npm start`, fetched on first start by the electron
// package's own installer (installs run with ignore-scripts, see .npmrc). The
// installer's output is captured: when the download fails it ends in a raw
// stack trace ("TypeError: fetch failed" and a dozen "at …" lines) that says
// nothing a person can act on, so only its last error line is kept, as the
// reason under our advice.

export type ElectronBinary = { ok: true; binary: string } | { ok: false; reason: string }

export function installedBinary(electronDir: string): string | null {
  const pathFile = path.join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

export function ensureElectronBinary(electronDir: string, log: (line: string) => void): ElectronBinary {
  const present = installedBinary(electronDir)
  if (present !== null) return { ok: true, binary: present }
  log('Downloading the Electron binary (first start only)…')
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10 * 60_000
  })
  const binary = result.status === 0 ? installedBinary(electronDir) : null
  if (binary !== null) return { ok: true, binary }
  return { ok: false, reason: lastError(`${result.stdout ?? ''}\n${result.stderr ?? ''}`) ?? 'the installer failed' }
}

/** The last "SomethingError: message" line of a Node error report, without its stack. */
function lastError(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\w*Error\b.*:/.test(l) && !l.startsWith('at '))
  return lines.at(-1)
}

export function downloadAdvice(reason: string): string {
  return [
    '',
    `The Electron binary could not be downloaded (it comes from github.com, not from the npm registry): ${reason}.`,
    'You can still use Pairwise with the same interface in your browser:',
    '',
    '    npx pairwise daemon --ui',
    '',
    'and open the link it prints. To retry the desktop app later, run `npm start` again.'
  ].join('\n')
}
