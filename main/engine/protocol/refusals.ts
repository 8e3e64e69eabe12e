import { PairwiseError } from '../../../shared/errors.ts'
import type { RefusalReason } from './messages.ts'

// What a joiner tells a person when the initiator refuses, by reason. The
// error code is the reason itself, so callers can branch on either.
// The other device may run the desktop or web UI or the CLI, and the joiner
// cannot tell which: a hint that says what to do there names both.

/** How to get a fresh code on the other device, whichever front end it runs. */
export const NEW_CODE_HINT =
  'Ask for a new code: on the other device click "New code" (or "Pair device"), or run `pairwise pair` again there.'
const REFUSAL_TEXT: Record<RefusalReason, { message: string; hint: string }> = {
  'no-device-waiting': {
    message: 'No device is waiting for this code.',
    hint: `Check the words. ${NEW_CODE_HINT}`
  },
  'code-expired': {
    message: 'This code has expired.',
    hint: NEW_CODE_HINT
  },
  'code-used': {
    message: 'This code was already used to pair another device.',
    hint: `Each code works once. ${NEW_CODE_HINT}`
  },
  'code-cancelled': {
    message: 'Pairing was cancelled on the other device.',
    hint: NEW_CODE_HINT
  },
  // A mistyped code derives another rendezvous id and is answered 'no-device-waiting'. This answer
  // means the proof, bound to both peer ids, did not match on the other side although it named the
  // right session: our connection is not the one it sees — something in between relays it — or the
  // proof came from an older code. Blaming the words would mislead.
  'wrong-code': {
    message:
      'The device waiting for this code could not verify this connection: something between the two devices may be relaying it.',
    hint: 'The words were probably right. Try again on a network you trust; if it repeats, someone may be interfering with the connection.'
  },
  'attempts-exceeded': {
    message: 'Too many wrong attempts from this device.',
    hint: NEW_CODE_HINT
  },
  denied: {
    message: 'The person at the other device declined this pairing.',
    hint: 'If that was a mistake, get a new code on the other device and try again.'
  },
  'approval-timed-out': {
    message: 'Nobody allowed this pairing on the other device in time.',
    hint: 'Nothing was stored. Try again and click Allow on the other device when it asks.'
  },
  'version-mismatch': {
    message: 'The other device runs an incompatible version of Pairwise.',
    hint: 'Update Pairwise on both devices.'
  },
  busy: {
    message: 'The other device is busy with other pairing attempts.',
    hint: 'Try again in a moment.'
  },
  'protocol-error': {
    message: 'The other device rejected a malformed message.',
    hint: 'Update Pairwise on both devices and try again.'
  },
  internal: {
    message: 'The other device hit an internal error.',
    hint: 'Try again; restart Pairwise on the other device if it repeats.'
  }
}

// How a joiner explains an initiator's refusal to a person.
export function refusalToError(reason: RefusalReason): PairwiseError {
  const { message, hint } = REFUSAL_TEXT[reason]
  return new PairwiseError(reason, message, { hint })
}
