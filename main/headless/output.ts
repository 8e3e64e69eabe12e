import { toErrorPayload, type ErrorPayload } from '../../shared/errors.ts'
import { EXIT_CODE_FOR } from './exit-codes.ts'
import { terminalSize, wrap } from './terminal-fit.ts'
import { escapeForTerminal, escapeJsonForTerminal } from './terminal-text.ts'

// Everything a command prints goes through here, so that --json output is one
// object per line with a final {"type":"result"} line, and text output puts
// results on stdout and errors, hints and notices on stderr. Text for people
// is escaped on its way out (terminal-text.ts): a device name or an echoed
// argument can never drive the terminal. JSON escapes control characters itself.

export class Output {
  readonly json: boolean
  readonly #stdout: NodeJS.WritableStream
  readonly #stderr: NodeJS.WritableStream

  constructor(
    json: boolean,
    stdout: NodeJS.WritableStream = process.stdout,
    stderr: NodeJS.WritableStream = process.stderr
  ) {
    this.json = json
    this.#stdout = stdout
    this.#stderr = stderr
  }

  /** A progress line: JSON object, or the given text (nothing when it is undefined). */
  event(type: string, data: Record<string, unknown>, text?: string): void {
    if (this.json) this.#line(this.#stdout, JSON.stringify({ type, ...data }))
    else if (text !== undefined) this.#line(this.#stdout, text)
  }

  /** The command's outcome: the last JSON line, or text on stdout. */
  result(data: Record<string, unknown>, text: string): void {
    if (this.json) this.#line(this.#stdout, JSON.stringify({ type: 'result', ok: true, ...data }))
    else if (text !== '') this.#line(this.#stdout, text)
  }

  /** Plain text for people only (the JSON stream carries the same facts as data). */
  text(text: string): void {
    if (!this.json) this.#line(this.#stdout, text)
  }

  /** A notice that is not the command's output: always stderr, so JSON on stdout stays clean. */
  notice(text: string): void {
    // Word-wrapped on a terminal: a long notice must not break mid-word, nor make a screen layout overflow.
    const size = terminalSize(this.#stderr)
    this.#line(this.#stderr, size === undefined ? text : wrap(text, size.cols))
  }

  /** Text this process drew itself and that must keep its escapes (the QR code's colours). Never pass input here. */
  drawing(text: string): void {
    if (!this.json) this.#stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Prints the error and returns the exit code it maps to. */
  fail(err: unknown): number {
    const payload: ErrorPayload = toErrorPayload(err)
    const exitCode = EXIT_CODE_FOR[payload.code]
    // The payload hides internals from people; a developer can ask to see them.
    if (process.env.PAIRWISE_DEBUG === '1' && payload.code === 'internal') console.error(err)
    if (this.json) {
      this.#line(this.#stdout, JSON.stringify({ type: 'result', ok: false, error: payload, exitCode }))
    } else if (payload.code === 'cancelled') {
      // The person asked for it: a plain acknowledgement, not an error report.
      this.#line(this.#stderr, payload.message)
    } else {
      this.#line(this.#stderr, `pairwise: ${payload.message}`)
      if (payload.hint !== undefined) this.#line(this.#stderr, `hint: ${payload.hint}`)
    }
    return exitCode
  }

  #line(stream: NodeJS.WritableStream, text: string): void {
    const safe = this.json && stream === this.#stdout ? escapeJsonForTerminal(text) : escapeForTerminal(text)
    stream.write(safe.endsWith('\n') ? safe : `${safe}\n`)
  }
}
