// The Hello an attacker can send without the words: well-formed, with a random
// nonce and proof. Shared by the protocol tests, the flood helpers and the
// attack benchmark, so they all forge the same thing.
import { randomBytes } from 'node:crypto'
import { encodeMessage, PROTOCOL_VERSION } from '../../main/engine/protocol/messages.ts'
import { joinerProof } from '../../main/engine/protocol/transcript.ts'
import { toHex } from '../../main/engine/util/bytes.ts'

/**
 * A Hello with a wrong proof for `rendezvousHex` — a live session's id, which
 * anyone can read from the DHT — or, by default, for an id no session has.
 */
export function forgedHello(rendezvousHex: string = toHex(randomBytes(32)), version = PROTOCOL_VERSION): Uint8Array {
  return encodeMessage({
    t: 'hello',
    v: version,
    rendezvous: rendezvousHex,
    nonce: toHex(randomBytes(32)),
    proof: toHex(randomBytes(32))
  })
}

/**
 * A Hello made as a real joiner makes it — bound to the peer ids the transport
 * authenticates — but with a guessed auth key: someone who read the public
 * record (rendezvous id, initiator) and lacks only the words.
 */
export function guessedKeyHello(rendezvous: Uint8Array, initiatorPeerId: string, joinerPeerId: string): Uint8Array {
  const joinerNonce = randomBytes(32)
  const base = { version: PROTOCOL_VERSION, rendezvous, initiatorPeerId, joinerPeerId, joinerNonce }
  const proof = joinerProof(randomBytes(32), base)
  return encodeMessage({
    t: 'hello',
    v: PROTOCOL_VERSION,
    rendezvous: toHex(rendezvous),
    nonce: toHex(joinerNonce),
    proof: toHex(proof)
  })
}
