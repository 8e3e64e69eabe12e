// Subsystems whose inclusive CPU time the benchmark profiles report.
/** Frames whose inclusive time the profile summary reports (regexes on "function url:line"). */
export const INCLUSIVE: Record<string, RegExp> = {
  'peer store (@libp2p/peer-store)': /@libp2p\/peer-store\//,
  'SQLite peer-store datastore (sqlite-datastore.ts)': /sqlite-datastore\.ts/,
  'device registry (registry.ts)': /registry\/registry\.ts/,
  'Noise handshake (@chainsafe/libp2p-noise)': /libp2p-noise\//,
  'identify protocol (@libp2p/identify)': /@libp2p\/identify\//,
  'kad-dht': /@libp2p\/kad-dht\//,
  yamux: /libp2p-yamux\//,
  'multiaddr parsing (@multiformats/multiaddr)': /@multiformats\/multiaddr\//,
  'pairing protocol (main/engine/protocol)': /main\/engine\/protocol\//,
  'zod schema checks': /\/zod\//
}
