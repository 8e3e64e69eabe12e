import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'

/**
 * A short, readable fingerprint of a device key for people to compare:
 * 16 hex digits in groups of four, from a hash of the peer id.
 */
export function fingerprint(peerId: string): string {
  const hex = bytesToHex(sha256(new TextEncoder().encode(`pairwise/v1/fingerprint/${peerId}`)))
    .slice(0, 16)
    .toUpperCase()
  return hex.match(/.{4}/g)!.join(' ')
}
