import { PairwiseError } from '../../../shared/errors.ts'
import type { RefusalReason } from './messages.ts'

// How a joiner explains an initiator's refusal to a person.
export function refusalToError(reason: RefusalReason): PairwiseError {
  switch (reason) {
    case 'no-device-waiting':
      return new PairwiseError('no-device-waiting', 'No device is waiting for this code.', {
        hint: 'Check the words, or click "Pair device" again on the other device for a new code.'
      })
    case 'code-expired':
      return new PairwiseError('code-expired', 'This code has expired.', {
        hint: 'Click "New code" on the other device and enter the new words.'
      })
    case 'code-used':
      return new PairwiseError('code-used', 'This code was already used to pair another device.', {
        hint: 'Each code works once. Get a new code on the other device.'
      })
    case 'code-cancelled':
      return new PairwiseError('code-cancelled', 'Pairing was cancelled on the other device.', {
        hint: 'Start pairing again on the other device.'
      })
    case 'wrong-code':
      // A mistyped code derives another rendezvous id and is answered 'no-device-waiting'. This
      // answer means the proof, bound to both peer ids, did not match on the other side although
      // it named the right session: our connection is not the one it sees — something in between
      // relays it — or the proof came from an older code. Blaming the words would mislead.
      return new PairwiseError(
        'wrong-code',
        'The device waiting for this code could not verify this connection: something between the two devices may be relaying it.',
        {
          hint: 'The words were probably right. Try again on a network you trust; if it repeats, someone may be interfering with the connection.'
        }
      )
    case 'attempts-exceeded':
      return new PairwiseError('attempts-exceeded', 'Too many wrong attempts from this device.', {
        hint: 'Get a new code on the other device.'
      })
    case 'version-mismatch':
      return new PairwiseError('version-mismatch', 'The other device runs an incompatible version of Pairwise.', {
        hint: 'Update Pairwise on both devices.'
      })
    case 'busy':
      return new PairwiseError('busy', 'The other device is busy with other pairing attempts.', {
        hint: 'Try again in a moment.'
      })
    case 'protocol-error':
      return new PairwiseError('protocol-error', 'The other device rejected a malformed message.', {
        hint: 'Update Pairwise on both devices and try again.'
      })
    case 'internal':
      return new PairwiseError('internal', 'The other device hit an internal error.', {
        hint: 'Try again; restart Pairwise on the other device if it repeats.'
      })
  }
}
