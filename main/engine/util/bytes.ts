import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { timingSafeEqual } from 'node:crypto'

// Byte helpers every protocol file uses: hex for the wire, and a comparison
// of secrets (proofs, MACs) whose time does not depend on where they differ.

/** Constant-time for equal lengths; different lengths are never equal. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

export { bytesToHex as toHex, hexToBytes as fromHex }
