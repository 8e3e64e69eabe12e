import { peerIdFromString } from '@libp2p/peer-id'
import { PairwiseError } from '../../../shared/errors.ts'

/**
 * Verifies a signature against the Ed25519 key embedded in a peer id. The
 * peer id comes from the transport's authentication (Noise), so a signature
 * by any other key — even a valid one sent in a message — is refused.
 */
export async function verifyByPeerId(peerId: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  let key
  try {
    key = peerIdFromString(peerId).publicKey
  } catch {
    return false
  }
  if (key === undefined || key.type !== 'Ed25519') {
    throw new PairwiseError('protocol-error', 'The other device does not use an Ed25519 device key.')
  }
  try {
    return await key.verify(data, signature)
  } catch {
    return false
  }
}
