import type { DiscoveryPath } from '../../../shared/api.ts'
import { PairwiseError, type ErrorCode } from '../../../shared/errors.ts'
import type { DialProgress } from './candidate-dialer.ts'

// What the person hears about a join: per-path progress lines, and when
// nothing succeeds, the most telling of the errors collected on the way.

// When nothing succeeds, the most telling refusal is what the person hears.
const ERROR_RANK: ErrorCode[] = [
  'storage-full',
  'storage-read-only',
  'storage-damaged',
  'storage-missing',
  'storage-foreign',
  'storage-error',
  'denied',
  'approval-timed-out',
  'code-expired',
  'code-used',
  'code-cancelled',
  'attempts-exceeded',
  'version-mismatch',
  'device-unreachable',
  'wrong-code',
  'busy',
  'timed-out',
  'protocol-error',
  'invalid-argument'
]

export function dialMessage(path: DiscoveryPath, p: DialProgress): string {
  const relay = p.relay === undefined ? 'a relay' : `relay ${p.relay.slice(-8)}`
  if (p.via === 'direct')
    return p.outcome === 'failed'
      ? `${pathLabel(path)}: no direct connection; trying the relay`
      : `${pathLabel(path)}: connected directly`
  if (p.outcome === 'trying') return `${pathLabel(path)}: connecting through ${relay}`
  return p.outcome === 'connected'
    ? `${pathLabel(path)}: connected through ${relay}`
    : `${pathLabel(path)}: ${relay} did not connect us`
}

export function pathLabel(path: DiscoveryPath): string {
  return path === 'lan' ? 'LAN' : path === 'dht' ? 'DHT' : path === 'public' ? 'Public network' : 'Known addresses'
}

// Where a join looked, in the words the person uses; the counts stay in the error's details.
const WHERE: Record<DiscoveryPath, { looked: string; nobody: string }> = {
  lan: { looked: 'on this network', nobody: 'no Pairwise device answered there' },
  dht: { looked: 'across the internet', nobody: 'no Pairwise node answered' },
  public: { looked: 'on the public network', nobody: 'no device there offered this code' },
  stored: { looked: 'at the addresses of devices paired before', nobody: 'none to try' }
}

/** "Looked on this network (no Pairwise device answered there) and across the internet." */
export function describePaths(paths: Set<DiscoveryPath>, asked: Record<DiscoveryPath, number>): string {
  const parts = [...paths].map((p) => (asked[p] === 0 ? `${WHERE[p].looked} (${WHERE[p].nobody})` : WHERE[p].looked))
  const list = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
  return `Looked ${list}.`
}

function bestError(errors: PairwiseError[]): PairwiseError | undefined {
  for (const code of ERROR_RANK) {
    const found = errors.find((e) => e.code === code)
    if (found !== undefined) return found
  }
  return undefined
}

/** When only this LAN was searched, the words are rarely the problem. */
export const NO_NODE_HINT =
  'Nothing answered on this network. If the other device is on a different network, leave the public network on ' +
  'on both devices (no --no-public-network), or run `pairwise node` on a machine both can reach and pass ' +
  '--bootstrap <its address> on both (see docs/running-a-node.md). Otherwise check the words.'

export function exhaustedError(
  errors: PairwiseError[],
  paths: Set<DiscoveryPath>,
  asked: Record<DiscoveryPath, number>
): PairwiseError {
  const best = bestError(errors)
  if (best !== undefined) return best
  const where =
    paths.has('dht') || paths.has('public')
      ? 'Check the words, and that the other device still shows them.'
      : NO_NODE_HINT
  return new PairwiseError('no-device-waiting', 'No device is waiting for this code.', {
    hint: `${describePaths(paths, asked)} ${where}`,
    details: { paths: [...paths], asked }
  })
}

export function timeoutError(
  errors: PairwiseError[],
  paths: Set<DiscoveryPath>,
  asked: Record<DiscoveryPath, number>,
  timeoutMs: number
): PairwiseError {
  const best = bestError(errors)
  if (best !== undefined && best.code !== 'timed-out') return best
  return new PairwiseError('timed-out', `No device answered within ${Math.round(timeoutMs / 1000)} seconds.`, {
    hint: `${describePaths(paths, asked)} Check that both devices are on the same network, or both reach the public network or the same Pairwise node.`,
    details: { paths: [...paths], asked }
  })
}
