// A stand-in for a public IPFS/libp2p node, run by the NAT lab on a "public"
// host: the real @libp2p/kad-dht speaking the Amino protocol (/ipfs/kad/1.0.0)
// in server mode with kad-dht's default record validators (it keeps provider
// records and /pk/ records, and refuses any other namespace — our /pairwise/
// records included, as public servers do), and the real circuit-relay-v2
// server with its default limits (15 reservations, 2 min and 128 KiB per
// relayed connection). Nothing here is Pairwise code: it is what a Pairwise
// device meets on the public network.
//
//   node amino-node.ts --ip <lab ip> [--bootstrap <multiaddr>]...
//
// Prints one JSON line {"type":"listening","peerId","multiaddr"} and runs
// until SIGINT/SIGTERM.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { parseArgs } from 'node:util'

export const AMINO_LAB_PORT = 4001

/** An address on the lab's "internet" (for a relay address: the relay's). */
function onLabInternet(ma: Multiaddr): boolean {
  const ip = ma.getComponents().find((c) => c.name === 'ip4')?.value
  return ip?.startsWith('10.250.0.') === true
}

const { values } = parseArgs({
  options: { ip: { type: 'string' }, bootstrap: { type: 'string', multiple: true } }
})
const ip = values.ip
if (ip === undefined || !/^10\.250\.0\.\d{1,3}$/.test(ip)) throw new Error('--ip must be a lab public address')

const node = await createLibp2p({
  addresses: {
    listen: [`/ip4/0.0.0.0/tcp/${AMINO_LAB_PORT}`],
    // A public IPFS node's address is confirmed by AutoNAT on the real internet; in the lab it is known.
    announce: [`/ip4/${ip}/tcp/${AMINO_LAB_PORT}`]
  },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    // kad-dht's default mapper drops private addresses from every answer, as it should on the internet;
    // the lab's "internet" is 10.250.0.0/24, so that range counts as public here and every other is dropped.
    dht: kadDHT({
      protocol: '/ipfs/kad/1.0.0',
      clientMode: false,
      peerInfoMapper: (peer) => ({ ...peer, multiaddrs: peer.multiaddrs.filter(onLabInternet) })
    }),
    relay: circuitRelayServer()
  }
})
for (const address of values.bootstrap ?? []) {
  await node.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
}
console.log(
  JSON.stringify({
    type: 'listening',
    peerId: node.peerId.toString(),
    multiaddr: `/ip4/${ip}/tcp/${AMINO_LAB_PORT}/p2p/${node.peerId.toString()}`
  })
)
const stop = (): void => {
  void Promise.resolve(node.stop()).finally(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
