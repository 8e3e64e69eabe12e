import type { PeerId } from '@libp2p/interface'
import type { PairwiseLibp2p } from './libp2p-node.ts'

// The relay server bounds reservations in total but not per address: one
// machine could take every slot with freshly minted peer ids. This gate
// refuses a reservation when the requester's IP already holds `perIp`.

function ipOf(node: PairwiseLibp2p, peer: PeerId): string | undefined {
  const connection = node.getConnections(peer).find((c) => c.status === 'open')
  const first = connection?.remoteAddr.getComponents()[0]
  return first?.name === 'ip4' || first?.name === 'ip6' ? first.value : undefined
}

export function relayReservationGate(node: () => PairwiseLibp2p | undefined, perIp: number): (peer: PeerId) => boolean {
  return (peer) => {
    const current = node()
    const reservations = current?.services.relay?.reservations
    if (current === undefined || reservations === undefined) return false
    const ip = ipOf(current, peer)
    if (ip === undefined) return false
    let held = 0
    for (const holder of reservations.keys()) {
      if (!holder.equals(peer) && ipOf(current, holder) === ip) held++
    }
    return held >= perIp
  }
}
