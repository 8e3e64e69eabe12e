import { multiaddr } from '@multiformats/multiaddr'
import { classifyAddress, type AddressKind } from './address-class.ts'

// Which of this device's addresses it tells others, in what order. Records
// and messages have size caps (the sealed advertisement body holds ~760
// bytes; a relay address is ~150), so the order decides what survives:
// relay addresses first (they work from anywhere), then public ones, then
// LAN ones (a joiner on the same LAN dials those first anyway). Loopback is
// never sent, except in tests on one machine; neither is a relay reached over
// loopback. The trailing /p2p/<our id> is dropped: every reader knows it.

const ORDER: AddressKind[] = ['circuit', 'public', 'private', 'loopback']
export const MAX_SHARED_ADDRESSES = 16
/** Relays worth naming: a second one covers the first restarting. */
const MAX_RELAY_ADDRESSES = 3

export function shareableAddresses(
  addresses: string[],
  options: { selfPeerId: string; allowLoopback: boolean; maxBytes?: number }
): string[] {
  const suffix = `/p2p/${options.selfPeerId}`
  const byKind = new Map<AddressKind, string[]>()
  const seen = new Set<string>()
  for (const raw of addresses) {
    const address = raw.endsWith(suffix) ? raw.slice(0, -suffix.length) : raw
    if (seen.has(address)) continue
    seen.add(address)
    const kind = classifyAddress(address)
    if (kind === 'other' || (kind === 'loopback' && !options.allowLoopback)) continue
    if (kind === 'circuit' && !options.allowLoopback && relayOverLoopback(address)) continue
    byKind.set(kind, [...(byKind.get(kind) ?? []), address])
  }
  const ordered = ORDER.flatMap((kind) =>
    kind === 'circuit' ? (byKind.get(kind) ?? []).slice(0, MAX_RELAY_ADDRESSES) : (byKind.get(kind) ?? [])
  )
  const picked: string[] = []
  let bytes = 2
  for (const address of ordered) {
    if (picked.length >= MAX_SHARED_ADDRESSES) break
    const cost = JSON.stringify(address).length + 1
    if (options.maxBytes !== undefined && bytes + cost > options.maxBytes) continue
    picked.push(address)
    bytes += cost
  }
  return picked
}

function relayOverLoopback(address: string): boolean {
  try {
    return classifyAddress(multiaddr(address).decapsulate('/p2p-circuit')) === 'loopback'
  } catch {
    return true
  }
}
