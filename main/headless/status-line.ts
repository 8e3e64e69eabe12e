import { fitLine, terminalSize } from './terminal-fit.ts'
import { escapeForTerminal } from './terminal-text.ts'

// A live status for long waits. On a terminal one line is rewritten in place
// (the countdown ticks), cut to the terminal's width so it never wraps (a
// wrapped line cannot be rewritten with \r and leaves stale copies); in a pipe
// or log each change is one new line, and ticks alone print nothing. The text
// is escaped (terminal-text.ts): it may hold a joiner's name, and only this
// class writes control sequences here.

export class StatusLine {
  readonly #stream: NodeJS.WriteStream
  readonly #tty: boolean
  #current = ''
  #lastKey: string | undefined

  constructor(stream: NodeJS.WriteStream = process.stdout) {
    this.#stream = stream
    this.#tty = stream.isTTY === true
  }

  get tty(): boolean {
    return this.#tty
  }

  /**
   * `key` is the status without its ticking parts: in a pipe a line is printed only when it changes.
   * `tail` (e.g. the countdown) is never cut on a narrow terminal; `text` is.
   */
  set(raw: string, key: string = raw, tail = ''): void {
    const text = escapeForTerminal(raw)
    if (this.#tty) {
      const cols = terminalSize(this.#stream)?.cols
      this.#current = cols === undefined ? text + tail : fitLine(text, tail, cols)
      this.#stream.write(`\r\x1b[2K${this.#current}`)
      return
    }
    if (key === this.#lastKey) return
    this.#lastKey = key
    this.#stream.write(`${text}${tail}\n`)
  }

  /** A line of its own, printed above the live status. */
  log(raw: string): void {
    const text = escapeForTerminal(raw)
    if (this.#tty) this.#stream.write(`\r\x1b[2K${text}\n${this.#current}`)
    else this.#stream.write(`${text}\n`)
  }

  /** Leaves the terminal on a fresh line. */
  end(): void {
    if (this.#tty && this.#current !== '') this.#stream.write('\r\x1b[2K')
    this.#current = ''
  }
}
