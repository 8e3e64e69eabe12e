// A real terminal of a fixed size for CLI tests: a private tmux server (its own
// socket in a temp folder, no user config) running one command in one pane.
// Tests type keys into it and read the screen as a person would see it.
// Debian's tmux may be missing: `TmuxTerminal.available()` lets a test skip.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually } from './eventually.ts'
import { makeTempDir, removeTempDir } from './temp-dirs.ts'

export interface TerminalSize {
  cols: number
  rows: number
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`

export class TmuxTerminal {
  readonly #dir: string
  readonly #socket: string

  private constructor(dir: string) {
    this.#dir = dir
    this.#socket = join(dir, 'tmux.sock')
  }

  static available(): boolean {
    return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0
  }

  /** Starts `argv` in a `size` terminal with `env`; the pane stays (dead) after the command exits, for reading. */
  static start(argv: string[], size: TerminalSize, env: NodeJS.ProcessEnv): TmuxTerminal {
    const term = new TmuxTerminal(makeTempDir('tmux'))
    const conf = join(term.#dir, 'tmux.conf')
    // remain-on-exit: the last screen and the exit status stay readable. A big history keeps scrolled-off lines too.
    writeFileSync(conf, 'set -g remain-on-exit on\nset -g history-limit 2000\nset -g status off\n')
    // tmux 3.3 may mark a pane dead before it has reaped the process and then never show the
    // status, so the shell around the command writes it down (bash lets a command that handles
    // Ctrl-C itself finish and report its own status).
    const status = join(term.#dir, 'status')
    const command = ['bash', '-c', `"$@"; echo $? > ${quote(status)}`, 'bash', ...argv].map(quote).join(' ')
    term.#tmux(
      ['-f', conf, 'new-session', '-d', '-s', 'pw', '-x', String(size.cols), '-y', String(size.rows), command],
      { ...env, TERM: 'xterm-256color' }
    )
    return term
  }

  /** tmux key names: 'C-c', 'C-d', 'Enter', or literal text with `literal`. */
  send(keys: string, literal = false): void {
    this.#tmux(['send-keys', '-t', 'pw', ...(literal ? ['-l'] : []), keys])
  }

  /** The visible screen, one string per row, wrapped rows joined back into the lines the program wrote. */
  screen(): string[] {
    return this.#tmux(['capture-pane', '-p', '-J', '-t', 'pw']).replace(/\n$/, '').split('\n')
  }

  /** The visible screen row by row, exactly as shown (a wrapped line is two rows). */
  rows(): string[] {
    return this.#tmux(['capture-pane', '-p', '-t', 'pw']).replace(/\n$/, '').split('\n')
  }

  /** The command's exit status once it has ended (128 + n when signal n ended it), else undefined. */
  exitStatus(): number | undefined {
    const text = readFileIfExists(join(this.#dir, 'status'))
    return text === undefined || text.trim() === '' ? undefined : Number(text.trim())
  }

  async waitFor(what: string, match: (screen: string) => boolean, timeoutMs = 45_000): Promise<string> {
    return eventually(
      () => `${what}; the screen:\n${this.screen().join('\n')}`,
      () => {
        const text = this.screen().join('\n')
        return match(text) ? text : undefined
      },
      { timeoutMs, intervalMs: 50 }
    )
  }

  async waitForExit(timeoutMs = 45_000): Promise<number> {
    return eventually(
      () => `the command to exit; the screen:\n${this.screen().join('\n')}`,
      () => this.exitStatus(),
      { timeoutMs, intervalMs: 50 }
    )
  }

  close(): void {
    spawnSync('tmux', ['-S', this.#socket, 'kill-server'], { encoding: 'utf8' })
    removeTempDir(this.#dir)
  }

  #tmux(args: string[], env: NodeJS.ProcessEnv = process.env): string {
    const r = spawnSync('tmux', ['-S', this.#socket, ...args], { encoding: 'utf8', env, timeout: 10_000 })
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr || r.error?.message || r.status}`)
    return r.stdout
  }
}

function readFileIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
