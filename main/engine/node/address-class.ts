import { isPrivateIp } from '@libp2p/utils'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { BlockList, isIPv4 } from 'node:net'
import { networkInterfaces } from 'node:os'

// Which addresses work across networks. libp2p counts every reserved range as
// private, including the ranges a network-namespace lab has to use for its
// "public" side; PAIRWISE_TEST_PUBLIC_CIDRS (comma-separated CIDRs, TEST-ONLY)
// makes our own classification count them as public, so the NAT lab exercises
// the same decisions as the internet: dial order, DHT mode, what a node
// announces. Nothing reads it outside this file.

export type AddressKind = 'loopback' | 'circuit' | 'public' | 'private' | 'other'

export const TEST_PUBLIC_CIDRS_ENV = 'PAIRWISE_TEST_PUBLIC_CIDRS'

function parseCidrs(text: string | undefined): BlockList | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const list = new BlockList()
  for (const entry of text.split(',')) {
    const [net, bits] = entry.trim().split('/')
    if (net === undefined || bits === undefined) continue
    list.addSubnet(net, Number(bits), isIPv4(net) ? 'ipv4' : 'ipv6')
  }
  return list
}

const testPublic = parseCidrs(process.env[TEST_PUBLIC_CIDRS_ENV])

function ipOf(ma: Multiaddr): string | undefined {
  const first = ma.getComponents()[0]
  return first?.name === 'ip4' || first?.name === 'ip6' ? first.value : undefined
}

export function isPublicIp(ip: string): boolean {
  if (testPublic?.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6') === true) return true
  return isPrivateIp(ip) === false
}

export function classifyAddress(address: Multiaddr | string): AddressKind {
  let ma: Multiaddr
  try {
    ma = typeof address === 'string' ? multiaddr(address) : address
  } catch {
    return 'other'
  }
  if (Circuit.matches(ma)) return 'circuit'
  const ip = ipOf(ma)
  if (ip === undefined) return 'other'
  if (ip.startsWith('127.') || ip === '::1') return 'loopback'
  return isPublicIp(ip) ? 'public' : 'private'
}

/** True when `ip` lies in a subnet of one of this machine's interfaces: a LAN peer we can likely reach. */
export function onLocalSubnet(ip: string): boolean {
  const family = isIPv4(ip) ? 'ipv4' : 'ipv6'
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.internal || a.cidr === null || (family === 'ipv4') !== (a.family === 'IPv4')) continue
      const [net, bits] = a.cidr.split('/')
      const list = new BlockList()
      list.addSubnet(net!, Number(bits), family)
      if (list.check(ip, family)) return true
    }
  }
  return false
}

/** Reachability rank of one of another device's addresses, from here: lower is tried first. */
export function dialRank(address: Multiaddr): 'near' | 'relay' | 'far' | 'never' {
  const kind = classifyAddress(address)
  if (kind === 'circuit') return 'relay'
  if (kind === 'public') return 'near'
  if (kind === 'private') return onLocalSubnet(ipOf(address)!) ? 'near' : 'far'
  return 'never'
}

/**
 * The one address of a node that devices should put in --bootstrap: a public
 * one when there is one, else a LAN address, else loopback (a one-machine test).
 */
export function bootstrapAddress(addresses: string[]): string | undefined {
  const direct = addresses.filter((a) => classifyAddress(a) !== 'circuit' && a.includes('/p2p/'))
  for (const kind of ['public', 'private', 'loopback'] as const) {
    const found = direct.find((a) => classifyAddress(a) === kind)
    if (found !== undefined) return found
  }
  return undefined
}

/** How a connection from this remote address reached us, as the overheard-code alarm tells it. */
export function arrivalPath(remote: Multiaddr): 'direct' | 'relay' | 'lan' {
  const kind = classifyAddress(remote)
  if (kind === 'circuit' || remote.toString().includes('/p2p-circuit')) return 'relay'
  return kind === 'public' ? 'direct' : 'lan'
}
