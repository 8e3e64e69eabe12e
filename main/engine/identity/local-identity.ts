import type { PrivateKey } from '@libp2p/interface'

/** This device's key: the libp2p identity key, so the peer id Noise authenticates is the key that signs. */
export interface LocalIdentity {
  peerId: string
  privateKey: PrivateKey
}
