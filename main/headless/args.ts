import { PairwiseError } from '../../shared/errors.ts'
import { CODE_TTL_MAX_MINUTES, CODE_TTL_MIN_MINUTES } from '../../shared/limits.ts'
import { deviceNameProblem, normalizeDeviceName } from '../../shared/device-name.ts'

// A small argv parser: a handful of commands and flags do not justify a
// dependency, and this one loads in no time (`pairwise --version` is timed).

export const COMMANDS = ['pair', 'join', 'devices', 'revoke', 'rename', 'metrics', 'daemon', 'node', 'help'] as const
export type CommandName = (typeof COMMANDS)[number]

export interface CliOptions {
  dataDir: string | undefined
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  /** The public libp2p network as a rendezvous (off with --no-public-network). */
  publicNetwork: boolean
  /** UPnP port mapping; never without mDNS (both multicast on the LAN). */
  upnp: boolean
  json: boolean
  name: string | undefined
  loopback: boolean
  ttlMinutes: number | undefined
  ui: boolean
  uiPort: number
  /** `pairwise node`: addresses the operator knows are public. */
  announce: string[]
  /** `pairwise node`: host:port to serve Prometheus metrics on. */
  metrics: { host: string; port: number } | undefined
  /** `pairwise node`: relay reservations held at once. */
  maxReservations: number | undefined
  /** `pairwise pair`: true --qr, false --no-qr, undefined: only when it fits the terminal. */
  qr: boolean | undefined
  /** `pairwise pair --approve`: ask y/N before a device that proved the code pairs. */
  approve: boolean
  /** `pairwise revoke`: no confirmation question. */
  yes: boolean
}

export type ParsedArgs =
  | { kind: 'version' }
  | { kind: 'help'; topic: CommandName | undefined }
  | { kind: 'command'; command: Exclude<CommandName, 'help'>; positionals: string[]; options: CliOptions }

type FlagKind = 'boolean' | 'string' | 'list'
type FlagName =
  | 'data-dir'
  | 'listen'
  | 'bootstrap'
  | 'no-mdns'
  | 'no-upnp'
  | 'no-public-network'
  | 'json'
  | 'name'
  | 'loopback'
  | 'ttl'
  | 'ui'
  | 'ui-port'
  | 'announce'
  | 'metrics'
  | 'max-reservations'
  | 'qr'
  | 'no-qr'
  | 'approve'
  | 'yes'
  | 'help'
  | 'version'

const FLAGS: Record<FlagName, { kind: FlagKind; commands?: readonly CommandName[] }> = {
  'data-dir': { kind: 'string' },
  listen: { kind: 'list' },
  bootstrap: { kind: 'list' },
  'no-mdns': { kind: 'boolean' },
  'no-upnp': { kind: 'boolean' },
  'no-public-network': { kind: 'boolean' },
  json: { kind: 'boolean' },
  name: { kind: 'string' },
  loopback: { kind: 'boolean' },
  ttl: { kind: 'string', commands: ['pair', 'daemon'] },
  ui: { kind: 'boolean', commands: ['daemon'] },
  'ui-port': { kind: 'string', commands: ['daemon'] },
  announce: { kind: 'list', commands: ['node'] },
  metrics: { kind: 'string', commands: ['node'] },
  'max-reservations': { kind: 'string', commands: ['node'] },
  qr: { kind: 'boolean', commands: ['pair'] },
  'no-qr': { kind: 'boolean', commands: ['pair'] },
  approve: { kind: 'boolean', commands: ['pair'] },
  yes: { kind: 'boolean', commands: ['revoke'] },
  help: { kind: 'boolean' },
  version: { kind: 'boolean' }
}

const SHORT: Record<string, FlagName> = { '-h': 'help', '-v': 'version', '-V': 'version' }

/** How many words each command takes after its name. */
const POSITIONALS: Record<CommandName, { min: number; max: number; what?: string }> = {
  pair: { min: 0, max: 0 },
  join: { min: 0, max: 64 },
  devices: { min: 0, max: 0 },
  revoke: { min: 1, max: 16, what: 'a device name or peer id prefix' },
  rename: { min: 1, max: 16, what: 'the new name of this device' },
  metrics: { min: 0, max: 0 },
  daemon: { min: 0, max: 0 },
  node: { min: 0, max: 0 },
  help: { min: 0, max: 1 }
}

export function usageError(message: string, hint = 'Run `pairwise --help` for usage.'): PairwiseError {
  return new PairwiseError('invalid-argument', message, { hint })
}

function isCommand(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word)
}

function isFlag(name: string): name is FlagName {
  return Object.hasOwn(FLAGS, name)
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedArgs {
  let command: CommandName | undefined
  const positionals: string[] = []
  const values = new Map<FlagName, string[]>()
  const booleans = new Set<FlagName>()

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!
    if (token === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    let name: string
    let inline: string | undefined
    if (token.startsWith('--')) {
      const eq = token.indexOf('=')
      name = eq < 0 ? token.slice(2) : token.slice(2, eq)
      inline = eq < 0 ? undefined : token.slice(eq + 1)
    } else if (Object.hasOwn(SHORT, token)) {
      name = SHORT[token]!
    } else if (token.startsWith('-') && token.length > 1) {
      throw usageError(`Unknown option ${token}.`)
    } else {
      if (command === undefined) {
        if (!isCommand(token))
          throw usageError(
            `Unknown command “${token}”.`,
            `Commands: ${COMMANDS.join(', ')}. Run \`pairwise --help\` for usage.`
          )
        command = token
      } else {
        positionals.push(token)
      }
      continue
    }
    if (!isFlag(name)) throw usageError(`Unknown option --${name}.`)
    const spec = FLAGS[name]
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw usageError(`--${name} takes no value.`)
      booleans.add(name)
      continue
    }
    let value = inline
    if (value === undefined) {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--')) throw usageError(`--${name} needs a value.`)
      value = next
      i++
    }
    const list = values.get(name) ?? []
    if (spec.kind === 'string' && list.length > 0) throw usageError(`--${name} was given twice.`)
    list.push(value)
    values.set(name, list)
  }

  if (booleans.has('version')) return { kind: 'version' }
  if (command === 'help') {
    const topic = positionals[0]
    if (positionals.length > 1) throw usageError('`pairwise help` takes at most one command name.')
    if (topic !== undefined && !isCommand(topic))
      throw usageError(`Unknown command “${topic}”.`, `Commands: ${COMMANDS.join(', ')}.`)
    return { kind: 'help', topic }
  }
  if (booleans.has('help') || command === undefined) return { kind: 'help', topic: command }

  for (const flag of [...booleans, ...values.keys()]) {
    const only = FLAGS[flag].commands
    if (only !== undefined && !only.includes(command))
      throw usageError(
        `--${flag} does not apply to \`pairwise ${command}\`.`,
        `Run \`pairwise help ${command}\` for its options.`
      )
  }
  const arity = POSITIONALS[command]
  if (positionals.length < arity.min)
    throw usageError(
      `\`pairwise ${command}\` needs ${arity.what ?? 'an argument'}.`,
      `Run \`pairwise help ${command}\`.`
    )
  if (positionals.length > arity.max)
    throw usageError(
      `Too many arguments for \`pairwise ${command}\`: ${positionals.slice(arity.max, arity.max + 3).join(' ')}…`,
      `Run \`pairwise help ${command}\`.`
    )

  const one = (flag: FlagName): string | undefined => values.get(flag)?.[0]
  const envBootstrap = (env.PAIRWISE_BOOTSTRAP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const options: CliOptions = {
    dataDir: one('data-dir'),
    listen: checkAddresses('listen', values.get('listen') ?? []),
    bootstrap: checkAddresses('bootstrap', [...(values.get('bootstrap') ?? []), ...envBootstrap]),
    mdns: !booleans.has('no-mdns'),
    publicNetwork: !booleans.has('no-public-network'),
    upnp: !booleans.has('no-mdns') && !booleans.has('no-upnp'),
    json: booleans.has('json'),
    name: checkName(one('name')),
    loopback: booleans.has('loopback'),
    ttlMinutes: integerFlag('ttl', one('ttl'), CODE_TTL_MIN_MINUTES, CODE_TTL_MAX_MINUTES, 'minutes'),
    ui: booleans.has('ui'),
    uiPort: integerFlag('ui-port', one('ui-port'), 0, 65535, 'a port') ?? 0,
    announce: checkAddresses('announce', values.get('announce') ?? []),
    metrics: hostPort('metrics', one('metrics')),
    maxReservations: integerFlag('max-reservations', one('max-reservations'), 1, 1_000_000, 'a count'),
    qr: booleans.has('qr') ? true : booleans.has('no-qr') ? false : undefined,
    approve: booleans.has('approve'),
    yes: booleans.has('yes')
  }
  if (values.has('ui-port') && !options.ui) throw usageError('--ui-port needs --ui.')
  if (booleans.has('qr') && booleans.has('no-qr')) throw usageError('--qr and --no-qr cannot both be given.')
  return { kind: 'command', command, positionals, options }
}

function integerFlag(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
  unit: string
): number | undefined {
  if (raw === undefined) return undefined
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw usageError(`--${flag} must be ${unit} from ${min} to ${max}, not “${raw}”.`)
  return n
}

/** `host:port` (IPv4 or a name; `[v6]:port` for IPv6), e.g. 127.0.0.1:9464. */
function hostPort(flag: string, raw: string | undefined): { host: string; port: number } | undefined {
  if (raw === undefined) return undefined
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw)
  const port = match === null ? Number.NaN : Number(match[2])
  if (match === null || port > 65535)
    throw usageError(`--${flag} must be host:port, e.g. 127.0.0.1:9464, not “${raw}”.`)
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port }
}

function checkName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const normal = normalizeDeviceName(name)
  const problem = deviceNameProblem(normal)
  if (problem !== undefined) throw usageError(`--name: ${problem}`)
  return normal
}

// Full parsing needs @multiformats/multiaddr (and the network stack); the node
// rejects bad ones at start. Catching the obvious mistakes here gives a plain message.
function checkAddresses(flag: 'listen' | 'bootstrap' | 'announce', list: string[]): string[] {
  for (const address of list) {
    if (!address.startsWith('/') || address.length > 512)
      throw usageError(
        `--${flag} “${address}” is not a multiaddr.`,
        'A multiaddr looks like /ip4/192.168.1.5/tcp/4001' + (flag === 'bootstrap' ? '/p2p/12D3KooW…' : '') + '.'
      )
    if (flag === 'bootstrap' && !address.includes('/p2p/'))
      throw usageError(
        `--bootstrap “${address}” has no /p2p/<peer id> part.`,
        'Use the full address that `pairwise node` printed.'
      )
  }
  return list
}
