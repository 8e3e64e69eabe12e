import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'

// The public libp2p network (the Amino DHT that IPFS nodes form) as a second
// rendezvous: thousands of DHT servers, many offering circuit-relay-v2
// reservations, and nobody of ours to run.
//
// Public DHT servers keep only two record kinds: provider records (for any
// CID) and signed /ipns/ and /pk/ records; our `/pairwise/` records are
// refused there. We use provider records (shape (b) of the design): the
// initiator "provides" a CID derived from the code's public rendezvous, the
// joiner looks the CID up, and reads the sealed advertisement from each
// provider over /pairwise/ad/1.0.0 (advertisement-server.ts) — the very record
// the private DHT would hold, checked the same way (code signature, identity
// signature, sealed body). Why not an IPNS record signed by the code key:
// provider records are the one kind every Amino server (go, js, rust) accepts
// without a namespace validator, they need no extra dependency, and the sealed
// body then never sits on strangers' disks for 48 h at all.

/** The Amino DHT's protocol id: what public IPFS/libp2p DHT servers speak. */
export const AMINO_PROTOCOL = '/ipfs/kad/1.0.0'
/** Circuit relay v2's reservation protocol: a peer that speaks it may relay for us. */
export const HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'

/**
 * The public network's well-known bootstrap peers (the list libp2p and Kubo
 * ship). Only the front ends use it, and only when nobody injected another list
 * (see public-bootstrap.ts); tests and benchmarks never do.
 */
export const WELL_KNOWN_PUBLIC_BOOTSTRAP: readonly string[] = Object.freeze([
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ'
])

const encoder = new TextEncoder()

function rawCid(label: string, bytes: Uint8Array): CID {
  const input = new Uint8Array([...encoder.encode(label), ...bytes])
  return CID.createV1(raw.code, Digest.create(0x12, sha256(input)))
}

/**
 * The CID a waiting code is provided under. It is a hash of the code's public
 * key (itself derived one-way from the code), so a DHT server that stores it
 * learns a random-looking number and nothing about the words; only someone who
 * holds the words can compute it and ask for it.
 */
export function codeRendezvousCid(codePublicKey: Uint8Array): CID {
  return rawCid('pairwise/v1/public-rendezvous/', codePublicKey)
}

/**
 * The CID a device provides while it runs, so that paired devices find its
 * current (relay) addresses across NATs: public DHT servers do not answer
 * "where is peer X?" for a device in client mode, but they do keep provider
 * records with addresses. Anyone who knows the peer id can compute it — which
 * tells them no more than libp2p peer routing would.
 */
export function presenceCid(peerId: string): CID {
  return rawCid('pairwise/v1/presence/', encoder.encode(peerId))
}
