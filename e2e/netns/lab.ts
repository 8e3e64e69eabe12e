import { execFileSync } from 'node:child_process'

// A throwaway LAN made of network namespaces: one namespace per host, each
// with a veth whose other end sits on a bridge in a namespace of its own.
// mDNS then runs on those veths only — never on this machine's real
// interface. Everything is created with a unique prefix and removed again.

export interface LabHost {
  ns: string
  ip: string
}

export interface Lab {
  hosts: LabHost[]
  destroy(): void
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 })
}

/** Why a lab cannot be built here, or undefined when it can. */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root'
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore', timeout: 5_000 })
  } catch {
    return 'the `ip` tool (iproute2) is not available'
  }
  return undefined
}

export function createLab(hostCount: number): Lab {
  const prefix = `pw${process.pid % 100000}`
  const bridgeNs = `${prefix}-lan`
  const hosts: LabHost[] = []
  const created: string[] = []
  const destroy = (): void => {
    for (const ns of created.reverse()) {
      try {
        ip('netns', 'del', ns)
      } catch {
        // Already gone.
      }
    }
    created.length = 0
  }
  try {
    ip('netns', 'add', bridgeNs)
    created.push(bridgeNs)
    ip('-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', bridgeNs, 'link', 'set', 'br0', 'up')
    for (let i = 1; i <= hostCount; i++) {
      const ns = `${prefix}-h${i}`
      // 10.213.0.0/24 is the lab's private test range; nothing outside these namespaces uses it.
      const address = `10.213.0.${i}`
      ip('netns', 'add', ns)
      created.push(ns)
      ip('link', 'add', `${prefix}h${i}`, 'type', 'veth', 'peer', 'name', `${prefix}b${i}`)
      ip('link', 'set', `${prefix}h${i}`, 'netns', ns)
      ip('link', 'set', `${prefix}b${i}`, 'netns', bridgeNs)
      ip('-n', bridgeNs, 'link', 'set', `${prefix}b${i}`, 'master', 'br0')
      ip('-n', bridgeNs, 'link', 'set', `${prefix}b${i}`, 'up')
      ip('-n', ns, 'link', 'set', 'lo', 'up')
      ip('-n', ns, 'link', 'set', `${prefix}h${i}`, 'name', 'eth0')
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
      ip('-n', ns, 'link', 'set', 'eth0', 'up')
      ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
      hosts.push({ ns, ip: address })
    }
  } catch (err) {
    destroy()
    throw err
  }
  return { hosts, destroy }
}
