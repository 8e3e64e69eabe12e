import { execFileSync, spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process'

// A throwaway "internet" made of network namespaces, for NAT traversal tests:
//
//   public hosts p1..pn ─┐
//                        ├─ br0 in <prefix>-pub (10.250.0.254: the "internet core",
//   NAT-A wan0 ──────────┤                      which silently drops anything off-net)
//   NAT-B wan0 ──────────┘
//   NAT-A lan0 ── br0 in <prefix>-lana ── a1..an   (192.168.1.0/24 by default)
//   NAT-B lan0 ── br0 in <prefix>-lanb ── b1..bn   (192.168.2.0/24 by default)
//
// The routers masquerade outbound traffic (`fully-random` when symmetric) and
// drop inbound traffic unless it is established/related or port-forwarded.
// The "public" side uses a private range too (nothing outside these
// namespaces uses it); the app is told to treat it as public through
// PAIRWISE_TEST_PUBLIC_CIDRS=<lab.publicCidr>.
//
// Every veth is created directly inside its namespaces, so nothing ever
// appears in this machine's own namespace, and multicast (mDNS) run on a lab
// host stays on that host's LAN bridge. destroy() kills what spawn() started
// and deletes every namespace; it also runs on process exit, and labs left
// behind by dead processes are swept at the next createNatLab().

export const PUBLIC_CIDR = '10.250.0.0/24'
const PUBLIC_PREFIX = '10.250.0'
const CORE_IP = `${PUBLIC_PREFIX}.254`
const NS_PREFIX = 'pwnat'

export interface PortForward {
  /** Port on the router's public address. */
  port: number
  /** Index into the router's LAN hosts (default 0). */
  toHost?: number
  /** Port on the LAN host (default: the same port). */
  toPort?: number
}

export interface NatOptions {
  /** Symmetric NAT: masquerade with `fully-random`, a random public port per connection. */
  symmetric?: boolean
  /** DNAT port forward(s) from the router's public address (TCP and UDP). */
  forward?: PortForward | PortForward[]
  /** First three octets of the LAN behind the router (default 192.168.1 for A, 192.168.2 for B). */
  lanPrefix?: string
}

export interface NatLabOptions {
  natA?: NatOptions
  natB?: NatOptions
  /** Hosts on the public bridge (default 1). */
  publicHosts?: number
  /** Hosts behind each router (default 1). */
  hostsPerLan?: number
  /** Self-test hook: throw after this many setup commands, to prove a half-built lab is removed. */
  failAfterSteps?: number
}

export interface LabHost {
  /** Short name: p1, a1, b2, … */
  name: string
  /** Network namespace the host runs in. */
  ns: string
  /** The host's only (IPv4) address. */
  ip: string
  /** 'public', 'A' or 'B'. */
  network: 'public' | 'A' | 'B'
}

export interface NatRouter {
  name: 'A' | 'B'
  ns: string
  /** The router's address on the public bridge: what the outside sees as the source. */
  publicIp: string
  /** The router's address on its LAN (the LAN hosts' default gateway). */
  lanIp: string
  lanCidr: string
  symmetric: boolean
  forwards: Array<Required<PortForward>>
}

export interface NatLab {
  /** Unique namespace-name prefix of this lab. */
  prefix: string
  /** The range to pass in PAIRWISE_TEST_PUBLIC_CIDRS. */
  publicCidr: string
  public: LabHost[]
  lanA: LabHost[]
  lanB: LabHost[]
  routers: { a: NatRouter; b: NatRouter }
  /** Run a command inside a host's (or router's) namespace and return its stdout. Throws on failure. */
  exec(host: { ns: string }, cmd: string, args?: string[], opts?: { timeout?: number; input?: string }): string
  /** Spawn a command inside a namespace (via `ip netns exec`); destroy() kills it. */
  spawn(host: { ns: string }, cmd: string, args?: string[], opts?: SpawnOptions): ChildProcess
  /** Kill spawned processes and delete every namespace. Idempotent. */
  destroy(): void
}

const run = (cmd: string, args: string[], input?: string, timeout = 10_000): string =>
  execFileSync(cmd, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout })

/** Why a NAT lab cannot be built here, or undefined when it can. */
export function natLabUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root'
  try {
    run('ip', ['netns', 'list'], undefined, 5_000)
  } catch {
    return 'the `ip` tool (iproute2) is not available'
  }
  try {
    run('nft', ['--version'], undefined, 5_000)
  } catch {
    return 'the `nft` tool (Debian package nftables) is not available'
  }
  // The kernel must do nftables NAT: try it in a throwaway namespace.
  const probe = `${NS_PREFIX}${process.pid}probe`
  try {
    run('ip', ['netns', 'add', probe])
    run(
      'ip',
      ['netns', 'exec', probe, 'nft', '-f', '-'],
      'table ip t {\n chain p {\n  type nat hook postrouting priority srcnat; policy accept;\n  masquerade fully-random\n }\n}\n'
    )
  } catch (err) {
    return `the kernel refused an nftables masquerade table (${firstLine(err)})`
  } finally {
    try {
      run('ip', ['netns', 'del', probe])
    } catch {
      // Never created.
    }
  }
  return undefined
}

const firstLine = (err: unknown): string => {
  const stderr = (err as { stderr?: unknown }).stderr
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : String((err as Error).message ?? err)
  return text.trim().split('\n')[0] ?? ''
}

/** Delete namespaces of labs whose process is gone (a crash or SIGKILL skips 'exit' handlers). */
function sweepStaleLabs(): void {
  let list: string
  try {
    list = run('ip', ['netns', 'list'])
  } catch {
    return
  }
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    const m = new RegExp(`^${NS_PREFIX}(\\d+)(x\\d+-|probe$)`).exec(name)
    if (m === null) continue
    const pid = Number(m[1])
    if (pid === process.pid) continue
    try {
      process.kill(pid, 0)
      continue // Still alive: its lab, not ours to remove.
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue
    }
    try {
      run('ip', ['netns', 'del', name])
    } catch {
      // Raced with someone else's sweep.
    }
  }
}

let labCounter = 0

const validPort = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 65535

export function createNatLab(options: NatLabOptions = {}): NatLab {
  const publicCount = options.publicHosts ?? 1
  const perLan = options.hostsPerLan ?? 1
  if (!Number.isInteger(publicCount) || publicCount < 1 || publicCount > 20)
    throw new RangeError('publicHosts must be 1..20')
  if (!Number.isInteger(perLan) || perLan < 1 || perLan > 20) throw new RangeError('hostsPerLan must be 1..20')
  const natA = options.natA ?? {}
  const natB = options.natB ?? {}
  const forwardsOf = (nat: NatOptions): Array<Required<PortForward>> => {
    const list = nat.forward === undefined ? [] : Array.isArray(nat.forward) ? nat.forward : [nat.forward]
    return list.map((f) => {
      const full = { port: f.port, toHost: f.toHost ?? 0, toPort: f.toPort ?? f.port }
      if (!validPort(full.port) || !validPort(full.toPort))
        throw new RangeError(`invalid forward port in ${JSON.stringify(f)}`)
      if (!Number.isInteger(full.toHost) || full.toHost < 0 || full.toHost >= perLan)
        throw new RangeError(`forward toHost ${full.toHost} is not a LAN host index (0..${perLan - 1})`)
      return full
    })
  }
  const lanPrefixA = natA.lanPrefix ?? '192.168.1'
  const lanPrefixB = natB.lanPrefix ?? '192.168.2'
  for (const p of [lanPrefixA, lanPrefixB]) {
    if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(p) || p.split('.').some((o) => Number(o) > 255))
      throw new RangeError(`lanPrefix ${p} is not three octets`)
    if (p === PUBLIC_PREFIX) throw new RangeError('a LAN cannot use the public range')
  }

  sweepStaleLabs()
  const prefix = `${NS_PREFIX}${process.pid}x${++labCounter}`
  const created: string[] = []
  const children = new Set<ChildProcess>()
  let steps = 0
  const step = (): void => {
    if (options.failAfterSteps !== undefined && ++steps > options.failAfterSteps)
      throw new Error(`failAfterSteps: stopped after ${options.failAfterSteps} steps`)
  }
  const ip = (...args: string[]): void => {
    step()
    try {
      run('ip', args)
    } catch (err) {
      throw new Error(`ip ${args.join(' ')}: ${firstLine(err)}`, { cause: err })
    }
  }
  const nsExec = (ns: string, cmd: string, args: string[], input?: string): string => {
    step()
    try {
      return run('ip', ['netns', 'exec', ns, cmd, ...args], input)
    } catch (err) {
      throw new Error(`[${ns}] ${cmd} ${args.join(' ')}: ${firstLine(err)}`, { cause: err })
    }
  }
  const addNs = (suffix: string): string => {
    const ns = `${prefix}-${suffix}`
    ip('netns', 'add', ns)
    created.push(ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    return ns
  }
  // A veth pair made directly inside its two namespaces, one end on bridge br0 of `bridgeNs`.
  const plug = (ns: string, ifname: string, bridgeNs: string, port: string, cidr: string): void => {
    ip('link', 'add', 'name', ifname, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', bridgeNs)
    ip('-n', bridgeNs, 'link', 'set', port, 'master', 'br0')
    ip('-n', bridgeNs, 'link', 'set', port, 'up')
    ip('-n', ns, 'addr', 'add', cidr, 'dev', ifname)
    ip('-n', ns, 'link', 'set', ifname, 'up')
  }
  const addBridgeNs = (suffix: string): string => {
    const ns = addNs(suffix)
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', ns, 'link', 'set', 'br0', 'up')
    return ns
  }
  const sysctl = (ns: string, ...settings: string[]): void => {
    nsExec(ns, 'sysctl', ['-qw', ...settings])
  }

  let destroyed = false
  const destroy = (): void => {
    if (destroyed) return
    destroyed = true
    process.removeListener('exit', destroy)
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    children.clear()
    for (const ns of created.reverse()) {
      try {
        run('ip', ['netns', 'del', ns])
      } catch {
        // Already gone.
      }
    }
    created.length = 0
  }
  process.on('exit', destroy)

  const publicHosts: LabHost[] = []
  const lanA: LabHost[] = []
  const lanB: LabHost[] = []
  const routers = {} as { a: NatRouter; b: NatRouter }
  try {
    // The public bridge, with the "internet core" on it: off-net destinations
    // (e.g. another LAN's private addresses) are silently dropped there, as
    // on the internet, so dialling them times out instead of failing at once.
    const pubNs = addBridgeNs('pub')
    ip('-n', pubNs, 'addr', 'add', `${CORE_IP}/24`, 'dev', 'br0')
    sysctl(pubNs, 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.br0.send_redirects=0')
    ip('-n', pubNs, 'route', 'add', 'blackhole', 'default')

    const addHost = (
      network: LabHost['network'],
      name: string,
      bridgeNs: string,
      address: string,
      gateway: string
    ): LabHost => {
      const ns = addNs(name)
      sysctl(ns, 'net.ipv4.ip_forward=0')
      plug(ns, 'eth0', bridgeNs, name, `${address}/24`)
      ip('-n', ns, 'route', 'add', 'default', 'via', gateway)
      // mDNS (and any other multicast) run inside stays on this veth.
      ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
      return { name, ns, ip: address, network }
    }

    for (let i = 1; i <= publicCount; i++)
      publicHosts.push(addHost('public', `p${i}`, pubNs, `${PUBLIC_PREFIX}.${10 + i}`, CORE_IP))

    const addRouter = (
      name: 'A' | 'B',
      nat: NatOptions,
      publicIp: string,
      lanPrefix: string,
      hosts: LabHost[]
    ): NatRouter => {
      const lower = name.toLowerCase()
      const lanNs = addBridgeNs(`lan${lower}`)
      const ns = addNs(`r${lower}`)
      plug(ns, 'wan0', pubNs, `r${lower}`, `${publicIp}/24`)
      plug(ns, 'lan0', lanNs, 'r', `${lanPrefix}.1/24`)
      ip('-n', ns, 'route', 'add', 'default', 'via', CORE_IP)
      sysctl(ns, 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.send_redirects=0')
      for (let i = 1; i <= perLan; i++)
        hosts.push(addHost(name, `${lower}${i}`, lanNs, `${lanPrefix}.${10 + i}`, `${lanPrefix}.1`))
      const forwards = forwardsOf(nat)
      const dnat = forwards.flatMap((f) => {
        const to = `${hosts[f.toHost]!.ip}:${f.toPort}`
        return [
          `    iifname "wan0" tcp dport ${f.port} dnat to ${to}`,
          `    iifname "wan0" udp dport ${f.port} dnat to ${to}`
        ]
      })
      const ruleset = [
        'table ip pwnat {',
        '  chain prerouting {',
        '    type nat hook prerouting priority dstnat; policy accept;',
        ...dnat,
        '  }',
        '  chain postrouting {',
        '    type nat hook postrouting priority srcnat; policy accept;',
        `    oifname "wan0" masquerade${nat.symmetric === true ? ' fully-random' : ''}`,
        '  }',
        '}',
        'table inet pwfilter {',
        '  chain forward {',
        '    type filter hook forward priority filter; policy drop;',
        '    ct state established,related accept',
        '    ct state invalid drop',
        '    iifname "lan0" oifname "wan0" accept',
        '    iifname "wan0" oifname "lan0" ct status dnat accept',
        '  }',
        '  chain input {',
        '    type filter hook input priority filter; policy drop;',
        '    ct state established,related accept',
        '    iifname "lo" accept',
        '    iifname "lan0" accept',
        '  }',
        '}',
        ''
      ].join('\n')
      nsExec(ns, 'nft', ['-f', '-'], ruleset)
      return {
        name,
        ns,
        publicIp,
        lanIp: `${lanPrefix}.1`,
        lanCidr: `${lanPrefix}.0/24`,
        symmetric: nat.symmetric === true,
        forwards
      }
    }
    routers.a = addRouter('A', natA, `${PUBLIC_PREFIX}.2`, lanPrefixA, lanA)
    routers.b = addRouter('B', natB, `${PUBLIC_PREFIX}.3`, lanPrefixB, lanB)
  } catch (err) {
    destroy()
    throw err
  }

  const exec: NatLab['exec'] = (host, cmd, args = [], opts = {}) => {
    if (destroyed) throw new Error('the NAT lab was destroyed')
    return run('ip', ['netns', 'exec', host.ns, cmd, ...args], opts.input, opts.timeout ?? 10_000)
  }
  const spawn: NatLab['spawn'] = (host, cmd, args = [], opts = {}) => {
    if (destroyed) throw new Error('the NAT lab was destroyed')
    // `ip netns exec` execs the command, so the child's pid is the command's own.
    const child = spawnChild('ip', ['netns', 'exec', host.ns, cmd, ...args], opts)
    children.add(child)
    child.once('exit', () => children.delete(child))
    return child
  }

  return { prefix, publicCidr: PUBLIC_CIDR, public: publicHosts, lanA, lanB, routers, exec, spawn, destroy }
}
