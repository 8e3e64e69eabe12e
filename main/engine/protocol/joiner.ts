import { randomBytes } from 'node:crypto'
import type { z } from 'zod'
import type { DeviceInfo } from '../../../shared/device.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { derivePairKey, deriveCodeKeys, type CodeKeys } from '../code/derive.ts'
import { verifyByPeerId } from '../identity/peer-key.ts'
import { systemClock, type Clock } from './clock.ts'
import { readMessage } from './exchange-io.ts'
import type { FramedChannel } from './framing.ts'
import { APPROVAL_TIMEOUT_MAX_MS } from '../../../shared/limits.ts'
import {
  ChallengeSchema,
  CompleteSchema,
  encodeMessage,
  isRefusal,
  PendingSchema,
  PROTOCOL_VERSION
} from './messages.ts'
import { refusalToError } from './refusals.ts'
import { StateMachine, type TransitionTable } from './state-machine.ts'
import {
  checkCommitment,
  checkString,
  initiatorProof,
  joinerProof,
  signedByInitiator,
  signedByJoiner,
  transcriptHash,
  type TranscriptBase
} from './transcript.ts'
import { equalBytes, fromHex, toHex } from '../util/bytes.ts'
import { DEFAULT_TIMEOUTS, type LocalIdentity, type PairingOutcome, type ProtocolTimeouts } from './types.ts'

// The joiner's side of one exchange with one candidate initiator. It reveals
// nothing beyond its Hello (a nonce and a proof bound to both peer ids) until
// the initiator has proven it knows the code (P2), and commits only after the
// initiator's signature over the whole transcript verifies. When the
// initiator asks its person first (Pending), it waits — and commits nothing —
// until Complete arrives; a refusal or a timeout there leaves nothing stored.
export type JoinerState =
  'hello-sent' | 'initiator-verified' | 'response-sent' | 'awaiting-approval' | 'committed' | 'acknowledged' | 'failed'

const JOINER_TRANSITIONS: TransitionTable<JoinerState> = {
  'hello-sent': ['initiator-verified', 'failed'],
  'initiator-verified': ['response-sent', 'failed'],
  'response-sent': ['awaiting-approval', 'committed', 'failed'],
  'awaiting-approval': ['committed', 'failed'],
  // After the commit only the Ack is outstanding; losing it is reconciled by presence (P7).
  committed: ['acknowledged'],
  acknowledged: [],
  failed: []
}

export type JoinerProgress = 'verifying' | 'awaiting-approval' | 'committing' | 'paired'

/** What the joiner's person sees while the other device's person decides. */
export interface ApprovalNotice {
  /** The check string both screens show (transcript.ts, checkString). */
  check: string
  /** How long the initiator said it waits for its person. */
  ms: number
}

export interface JoinOptions {
  channel: FramedChannel
  entropy: Uint8Array
  /** The keys of this entropy when the caller derived them already (a join race tries many candidates). */
  keys?: CodeKeys
  identity: LocalIdentity
  device: DeviceInfo
  /** The initiator's peer id as the transport authenticated it. */
  remotePeerId: string
  /** Stores the pairing as paired. Runs before the Ack is sent. */
  commit(outcome: PairingOutcome): Promise<void>
  signal?: AbortSignal
  clock?: Clock
  timeouts?: Partial<ProtocolTimeouts>
  /** `wait` comes with 'awaiting-approval': the caller must let the exchange live that much longer. */
  onProgress?: (step: JoinerProgress, wait?: ApprovalNotice) => void
  /** Lets a test or a race stop right before the commit (e.g. another candidate already won). */
  mayCommit?: () => boolean
}

export async function runJoiner(options: JoinOptions): Promise<PairingOutcome> {
  const { channel, identity, remotePeerId, device } = options
  const clock = options.clock ?? systemClock
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
  const keys = options.keys ?? deriveCodeKeys(options.entropy)
  const machine = new StateMachine(JOINER_TRANSITIONS, 'hello-sent')

  // A refusal ends the join with the reason explained to the person.
  const read = async <T extends z.ZodType>(
    schema: T,
    ms = timeouts.readMs
  ): Promise<Exclude<z.infer<T>, { t: 'refuse' }>> => {
    const message = await readMessage(channel, schema, clock, ms, options.signal)
    if (isRefusal(message)) throw refusalToError(message.reason)
    return message as Exclude<z.infer<T>, { t: 'refuse' }>
  }

  try {
    // The nonce commits to `reveal` (see checkCommitment): fresh either way, and the check string is ours to trust.
    const reveal = randomBytes(32)
    const base: TranscriptBase = {
      version: PROTOCOL_VERSION,
      rendezvous: keys.rendezvous,
      initiatorPeerId: remotePeerId,
      joinerPeerId: identity.peerId,
      joinerNonce: checkCommitment(reveal)
    }
    const proofJ = joinerProof(keys.authKey, base)
    await channel.write(
      encodeMessage({
        t: 'hello',
        v: PROTOCOL_VERSION,
        rendezvous: toHex(keys.rendezvous),
        nonce: toHex(base.joinerNonce),
        proof: toHex(proofJ)
      })
    )

    const challenge = await read(ChallengeSchema)
    const initiatorNonce = fromHex(challenge.nonce)
    const expected = initiatorProof(keys.authKey, { ...base, initiatorNonce, initiatorDevice: challenge.device })
    if (!equalBytes(expected, fromHex(challenge.proof))) {
      throw new PairwiseError('wrong-code', 'A device answered but could not prove it knows this code.', {
        hint: 'It may be a different device waiting with another code. Check the words and try again.'
      })
    }
    machine.to('initiator-verified')
    options.onProgress?.('verifying')

    const hash = transcriptHash({
      ...base,
      initiatorNonce,
      initiatorDevice: challenge.device,
      joinerDevice: device,
      joinerProof: proofJ,
      initiatorProof: expected
    })
    const sigJ = await identity.privateKey.sign(signedByJoiner(hash))
    await channel.write(encodeMessage({ t: 'response', device, reveal: toHex(reveal), sig: toHex(sigJ) }))
    machine.to('response-sent')

    let complete = await read(CompleteSchema.or(PendingSchema))
    if (complete.t === 'pending') {
      // The other person is asked to Allow or Deny us. Our deadline is theirs plus one read, capped.
      const ms = Math.min(complete.ms, APPROVAL_TIMEOUT_MAX_MS)
      machine.to('awaiting-approval')
      options.onProgress?.('awaiting-approval', { check: checkString({ ...base, initiatorNonce, reveal }), ms })
      complete = await read(CompleteSchema, ms + timeouts.readMs)
    }
    if (!(await verifyByPeerId(remotePeerId, signedByInitiator(hash), fromHex(complete.sig)))) {
      throw new PairwiseError('protocol-error', 'The other device signed with a key that is not its own.', {
        hint: 'Pairing was stopped for safety. Try again with a new code.'
      })
    }
    if (options.mayCommit !== undefined && !options.mayCommit()) {
      throw new PairwiseError('code-used', 'Another device answered first.')
    }
    options.onProgress?.('committing')
    const outcome: PairingOutcome = {
      remotePeerId,
      remoteDevice: challenge.device,
      pairKey: derivePairKey(options.entropy, hash),
      transcriptHash: hash,
      role: 'joiner'
    }
    await options.commit(outcome)
    machine.to('committed')
    try {
      await channel.write(encodeMessage({ t: 'ack' }))
      machine.to('acknowledged')
      await channel.close()
    } catch {
      // Committed already; the initiator learns of it at the next presence check (P7).
    }
    options.onProgress?.('paired')
    return outcome
  } catch (err) {
    if (!machine.isTerminal() && machine.can('failed')) machine.to('failed')
    if (machine.is('failed')) channel.abort('pairing failed')
    throw err instanceof PairwiseError
      ? err
      : new PairwiseError('protocol-error', 'The connection to the other device broke during pairing.', { cause: err })
  }
}
