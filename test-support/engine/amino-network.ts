import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { createLibp2p, type Libp2p } from 'libp2p'
import { AMINO_PROTOCOL } from '../../main/engine/node/public-network.ts'
import { bareNodeOptions } from './bare-node-options.ts'

// A simulated public libp2p network on 127.0.0.1 for in-process tests: real
// kad-dht servers speaking the Amino protocol with its default validators (the
// NAT lab's e2e/netns/amino-node.ts adds relays and NATs). Never the real one.

export type AminoNode = Libp2p<{ dht: KadDHT; identify: unknown; ping: Ping }>

/**
 * An Amino-speaking node; `server: false` makes a client (a stranger who only provides); `relay: true`
 * adds the real circuit-relay-v2 server with its default limits, as many public nodes run.
 */
export async function aminoNode(server = true, relay = false): Promise<AminoNode> {
  return createLibp2p({
    ...(await bareNodeOptions()),
    services: {
      identify: identify(),
      ping: ping(),
      // On loopback every address is "private": kad-dht's default mapper would drop them all.
      dht: kadDHT({ protocol: AMINO_PROTOCOL, clientMode: !server, peerInfoMapper: passthroughMapper }),
      ...(relay ? { relay: circuitRelayServer() } : {})
    }
  })
}

export async function startAminoNetwork(
  count: number
): Promise<{ nodes: AminoNode[]; bootstrap: string[]; stop(): Promise<void> }> {
  const nodes: AminoNode[] = []
  for (let i = 0; i < count; i++) nodes.push(await aminoNode())
  const first = nodes[0]!.getMultiaddrs()[0]!
  await Promise.all(nodes.slice(1).map((n) => n.dial(first, { signal: AbortSignal.timeout(5000) })))
  return {
    nodes,
    bootstrap: nodes.map((n) => n.getMultiaddrs()[0]!.toString()),
    stop: async () => void (await Promise.all(nodes.map((n) => n.stop())))
  }
}
