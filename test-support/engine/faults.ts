import { peerIdFromString } from '@libp2p/peer-id'
import type { TestDevice } from './loopback-network.ts'

/**
 * Test seam for P7: the joiner's connection to the initiator breaks right
 * after the joiner committed, so its final Ack never reaches the wire. The
 * service announces the commit (devices-changed) before it sends the Ack.
 */
export function loseAckAfterCommit(joiner: TestDevice, initiatorPeerId: string): void {
  const off = joiner.service.on('devices-changed', (devices) => {
    if (!devices.some((d) => d.peerId === initiatorPeerId && d.status === 'paired')) return
    off()
    for (const connection of joiner.service.node.getConnections(peerIdFromString(initiatorPeerId))) {
      connection.abort(new Error('test: the Ack is lost'))
    }
  })
}
