// Shared by the protocol tests and the benchmarks: real protocol code over
// in-memory pipes, with peer ids from real Ed25519 keys.
import { randomBytes } from 'node:crypto'
import type { DeviceInfo } from '../../shared/device.ts'
import { ephemeralIdentity } from '../../main/engine/identity/identity.ts'
import type { ByteDuplex } from '../../main/engine/protocol/byte-duplex.ts'
import { memoryPipe } from './memory-pipe.ts'
import { FramedChannel } from '../../main/engine/protocol/framing.ts'
import type { InitiatorSessionOptions } from '../../main/engine/protocol/initiator-contract.ts'
import { InitiatorSession } from '../../main/engine/protocol/initiator.ts'
import { runJoiner, type JoinOptions } from '../../main/engine/protocol/joiner.ts'
import { ChallengeSchema, decodeMessage } from '../../main/engine/protocol/messages.ts'
import { PairingResponder } from '../../main/engine/protocol/responder.ts'
import type { LocalIdentity, PairingOutcome } from '../../main/engine/protocol/types.ts'

export const deviceNamed = (name: string): DeviceInfo => ({
  name,
  os: 'Linux',
  appVersion: '0.1.0',
  addresses: ['/ip4/127.0.0.1/tcp/4001']
})

export interface HookLog {
  pending: PairingOutcome[]
  confirmed: PairingOutcome[]
  committed: PairingOutcome[]
}

export async function makeInitiator(overrides: Partial<InitiatorSessionOptions> = {}): Promise<{
  session: InitiatorSession
  responder: PairingResponder
  identity: LocalIdentity
  entropy: Uint8Array
  log: HookLog
}> {
  const identity = overrides.identity ?? (await ephemeralIdentity())
  const entropy = overrides.entropy ?? randomBytes(16)
  const log: HookLog = { pending: [], confirmed: [], committed: [] }
  const session = new InitiatorSession({
    entropy,
    identity,
    device: deviceNamed('Alice desktop'),
    hooks: {
      persistPending: async (o) => void log.pending.push(o),
      confirm: async (o) => void log.confirmed.push(o)
    },
    ...overrides
  })
  const responder = new PairingResponder(overrides.clock === undefined ? {} : { clock: overrides.clock })
  responder.add(session)
  return { session, responder, identity, entropy: new Uint8Array(entropy), log }
}

/** Connects a joiner to a responder over a pipe; the transport "authenticates" the given peer ids. */
export function connect(
  responder: PairingResponder,
  joinerPeerId: string
): { joinerEnd: FramedChannel; served: Promise<'hostile' | 'ok'> } {
  const [initiatorEnd, joinerEnd] = memoryPipe()
  const served = responder.handleStream(initiatorEnd, joinerPeerId)
  return { joinerEnd: new FramedChannel(joinerEnd), served }
}

/** Sends one raw message from `peerId` and resolves with the refusal reason it gets ('answered' when it was not refused). */
export async function answerTo(responder: PairingResponder, peerId: string, message: Uint8Array): Promise<string> {
  const { joinerEnd, served } = connect(responder, peerId)
  await joinerEnd.write(message)
  const reply = decodeMessage(await joinerEnd.read(AbortSignal.timeout(2_000)), ChallengeSchema)
  await served
  return reply.t === 'refuse' ? reply.reason : 'answered'
}

export async function join(
  responder: PairingResponder,
  initiatorPeerId: string,
  entropy: Uint8Array,
  options: Partial<JoinOptions> & { identity?: LocalIdentity; log?: HookLog } = {}
): Promise<{ outcome: PairingOutcome; identity: LocalIdentity }> {
  const identity = options.identity ?? (await ephemeralIdentity())
  const { joinerEnd, served } = connect(responder, identity.peerId)
  try {
    const outcome = await runJoiner({
      channel: joinerEnd,
      entropy,
      identity,
      device: deviceNamed('Bob laptop'),
      remotePeerId: initiatorPeerId,
      commit: async (o) => void options.log?.committed.push(o),
      ...options
    })
    return { outcome, identity }
  } finally {
    await served
  }
}

/**
 * A relay that sits between two byte streams frame by frame; `filter` sees
 * each frame and returns false to drop it (a lost message) — the relay then
 * stops forwarding in that direction.
 */
export function relay(
  a: ByteDuplex,
  b: ByteDuplex,
  filter: (direction: 'a->b' | 'b->a', frame: Uint8Array, index: number) => boolean = () => true
): Promise<void> {
  const pump = async (from: ByteDuplex, to: ByteDuplex, direction: 'a->b' | 'b->a'): Promise<void> => {
    const reader = new FramedChannel(from)
    const writer = new FramedChannel(to)
    for (let index = 0; index < 16; index++) {
      let frame: Uint8Array
      try {
        frame = await reader.read(new AbortController().signal)
      } catch {
        await writer.close()
        return
      }
      if (!filter(direction, frame, index)) return
      await writer.write(frame).catch(() => undefined)
    }
  }
  return Promise.all([pump(a, b, 'a->b'), pump(b, a, 'b->a')]).then(() => undefined)
}
