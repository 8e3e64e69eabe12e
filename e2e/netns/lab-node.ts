// `pairwise node` as the NAT lab runs it on a public host, for the NAT tests
// and bench/nat-pairing.ts: a fixed port, so its address is known in advance
// and a forwarded or printed bootstrap can be checked against it.
export const LAB_NODE_PORT = 4001

export function labNodeArgs(dataDir: string): string[] {
  return ['node', '--json', '--no-mdns', '--listen', `/ip4/0.0.0.0/tcp/${LAB_NODE_PORT}`, '--data-dir', dataDir]
}
