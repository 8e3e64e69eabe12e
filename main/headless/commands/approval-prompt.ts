import type { DeclinedJoiner, PairingApi, PendingApproval } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { escapeForTerminal } from '../terminal-text.ts'

// `pairwise pair --approve`: when a device has proved the code, the person is
// shown who it is — name, OS, fingerprint and the six check digits the joining
// device shows too — and answers y/N on the terminal. Nothing is stored until
// they say yes; no, silence until the deadline, or the joiner leaving all end
// that attempt only (the code keeps waiting). The name comes from another
// device, so everything asked is escaped for the terminal.

/** The question needs a person at a terminal: stdin to answer on, stderr to ask on. */
export function assertCanAsk(): void {
  if (process.stdin.isTTY === true && process.stderr.isTTY === true) return
  throw new PairwiseError('invalid-argument', '--approve asks y/N on the terminal, and this is not a terminal.', {
    hint: 'Run `pairwise pair --approve` in a terminal, or leave out --approve (or approve in the web UI: pairwise daemon --ui).'
  })
}

export function approvalQuestion(approval: PendingApproval): string {
  return [
    'A device proved it knows the code:',
    `  Name:         ${approval.name}`,
    `  OS:           ${approval.os}`,
    `  Fingerprint:  ${approval.fingerprint}`,
    `  Check:        ${approval.check}   (the other device shows the same six digits)`,
    ''
  ].join('\n')
}

const DECLINED_TEXT: Record<DeclinedJoiner['reason'], string> = {
  denied: 'you said no',
  'timed-out': 'nobody answered in time',
  withdrawn: 'it gave up waiting'
}

export function declinedText(declined: DeclinedJoiner): string {
  return `${declined.name || 'The device'} was not paired: ${DECLINED_TEXT[declined.reason]}. The code still waits for the right device.`
}

/** Asks about one device at a time; a question the engine ended (timeout, joiner left) is withdrawn from the screen. */
export class ApprovalPrompt {
  readonly #api: Pick<PairingApi, 'answerApproval'>
  readonly #stderr: NodeJS.WritableStream
  #open: { peerId: string; stop: AbortController } | undefined

  constructor(api: Pick<PairingApi, 'answerApproval'>, stderr: NodeJS.WritableStream = process.stderr) {
    this.#api = api
    this.#stderr = stderr
  }

  /** The session's current question (or none): asks a new one, withdraws one that ended. */
  update(approval: PendingApproval | null | undefined): void {
    if (this.#open !== undefined && this.#open.peerId !== approval?.peerId) this.close()
    if (approval != null && this.#open === undefined) void this.#ask(approval)
  }

  close(): void {
    this.#open?.stop.abort()
    this.#open = undefined
  }

  async #ask(approval: PendingApproval): Promise<void> {
    const stop = new AbortController()
    this.#open = { peerId: approval.peerId, stop }
    const seconds = `${Math.max(0, Math.ceil((approval.deadline - Date.now()) / 1000))} s`
    this.#stderr.write(escapeForTerminal(`\n${approvalQuestion(approval)}`))
    const { createInterface } = await import('node:readline/promises')
    const rl = createInterface({ input: process.stdin, output: this.#stderr, terminal: true })
    // Ctrl-C at the question means no: the code itself is cancelled by the command's own handler.
    rl.once('SIGINT', () => stop.abort())
    try {
      const answer = await rl.question(`Allow it to pair with this device? (${seconds} to answer) [y/N] `, {
        signal: stop.signal
      })
      const allow = /^y(es)?$/i.test(answer.trim())
      const { answered } = await this.#api.answerApproval({ peerId: approval.peerId, allow })
      this.#stderr.write(answered ? (allow ? 'Allowed.\n' : 'Denied.\n') : 'Too late: that question had ended.\n')
    } catch {
      // Withdrawn (the engine ended it) or the terminal closed: the engine's own outcome is reported.
      this.#stderr.write('\n')
    } finally {
      rl.close()
      if (this.#open?.stop === stop) this.#open = undefined
    }
  }
}
