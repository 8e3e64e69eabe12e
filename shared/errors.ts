// Every failure a person or a front end can see has one of these codes. The
// message is plain language; `hint` says what to do next. Errors cross process
// boundaries as `ErrorPayload` (see api.ts), never as thrown objects.

export const ERROR_CODES = [
  'invalid-word', // a word is not in the BIP39 English list
  'wrong-word-count', // not 12 words
  'checksum-mismatch', // all words valid, checksum fails (a typo that is itself a word)
  'invalid-link', // a pairwise:// link that cannot be read
  'no-device-waiting', // nobody answered for this code on any discovery path
  'device-unreachable', // the device waiting for this code was found but could not be connected to
  'code-expired',
  'code-used',
  'code-cancelled',
  'attempts-exceeded', // too many wrong-code attempts from this peer or in this session
  'denied', // the person at the initiator declined this device (Deny)
  'approval-timed-out', // nobody allowed or denied this device on the initiator in time
  'wrong-code', // the other side's proof did not match: the words differ
  'device-revoked',
  'timed-out',
  'version-mismatch',
  'protocol-error', // malformed, unexpected or oversized message
  'busy', // too many concurrent joiners / streams
  'not-found', // unknown device, unknown session
  'invalid-argument',
  'data-dir-locked',
  'storage-error', // the data folder could not be read or written (cause in details.cause, file in details.file)
  'storage-read-only', // the data folder or a file in it cannot be written
  'storage-full', // the disk holding the data folder is full
  'storage-damaged', // a file in the data folder is damaged: not what Pairwise wrote
  'storage-foreign', // a file in the data folder belongs to another program or a newer Pairwise
  'storage-missing', // a file this data folder once held is gone or empty: never silently recreated
  'token-refused', // the local service runs but refuses this page's or command's access token (from an earlier start)
  'cancelled', // the person stopped the command themselves (Ctrl-C, Ctrl-D at a prompt): not a failure
  'internal'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorPayload {
  code: ErrorCode
  message: string
  hint?: string
  details?: Record<string, unknown>
}

export class PairwiseError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'PairwiseError'
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, message: this.message }
    if (this.hint !== undefined) payload.hint = this.hint
    if (this.details !== undefined) payload.details = this.details
    return payload
  }
}

export function isPairwiseError(err: unknown): err is PairwiseError {
  return err instanceof PairwiseError
}

/** Turns anything thrown into a payload that is safe to show and to send: no stack, no secrets. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof PairwiseError) return err.toPayload()
  return {
    code: 'internal',
    message: 'Something went wrong inside Pairwise.',
    hint: 'Try again; if it keeps happening, restart the app.'
  }
}
