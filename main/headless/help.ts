import type { CommandName } from './args.ts'
import { CODE_TTL_DEFAULT_MINUTES, CODE_TTL_MAX_MINUTES, CODE_TTL_MIN_MINUTES } from '../../shared/limits.ts'
import { EXIT_CODE_HELP } from './exit-codes.ts'

const TTL_RANGE = `${CODE_TTL_MIN_MINUTES} to ${CODE_TTL_MAX_MINUTES} (default ${CODE_TTL_DEFAULT_MINUTES})`

const COMMON = `Common options:
  --data-dir <dir>        where this device's key and paired devices are kept
                          (default: the platform's app-data folder, or $PAIRWISE_DATA_DIR)
  --listen <multiaddr>    address to listen on, repeatable (default /ip4/0.0.0.0/tcp/0)
  --bootstrap <multiaddr> DHT node to join, repeatable (also $PAIRWISE_BOOTSTRAP, comma-separated)
  --no-mdns               no LAN multicast: neither mDNS discovery nor UPnP port mapping
  --no-upnp               no UPnP port mapping on the home router
  --no-public-network     do not meet through the public libp2p network (the IPFS DHT and its
                          relays), which lets devices on different networks pair with no setup;
                          for this run only (the app's Public network switch is kept)
  --loopback              keep 127.0.0.1 addresses (tests and benchmarks on one machine)
  --name <name>           this device's name as other devices see it
  --json                  one JSON object per line; the last line is the result`

export const COMMAND_HELP: Record<CommandName, string> = {
  pair: `pairwise pair [--ttl <minutes>] [--qr | --no-qr] [--approve]
  Show a 12-word code (and a link and QR code) and wait until another device joins with it.
  --ttl <minutes>  how long the code works, ${TTL_RANGE}
  --qr, --no-qr    always or never show the QR code (default: when it fits the terminal)
  --approve        before a device pairs, show its name, OS, fingerprint and six check digits
                   (its screen shows the same) and ask y/N; needs a terminal
  Ctrl-C cancels the code.`,
  join: `pairwise join [<word>…|<link>]
  Pair with the device that shows these 12 words (or its pairwise:// link). Without words it
  asks for them, or reads them from a pipe, which keeps them out of the process list.`,
  devices: `pairwise devices [--json]
  List paired devices: name, status, online or last seen, fingerprint.
  Online status is live only while a daemon runs; without one it reads the registry and
  starts no network.`,
  revoke: `pairwise revoke <name | peer id prefix> [--yes]
  Stop trusting a paired device. It is told now, or at the next contact.
  Asks first on a terminal; --yes does not ask.`,
  rename: `pairwise rename <name>
  Change this device's name as other devices see it. With a daemon running, online devices
  learn it at once; otherwise no network starts and they learn it at their next contact.`,
  metrics: `pairwise metrics [--json]
  Counters: sessions started, paired, joins failed by reason, codes expired, failed proofs.`,
  daemon: `pairwise daemon [--ui] [--ui-port <port>] [--ttl <minutes>]
  Keep Pairwise running: presence checks, revocation delivery, reconnection.
  Other pairwise commands use the running daemon.
  --ui              also serve the web UI on 127.0.0.1 and print its address (with an access token)
  --ui-port <port>  port for the web UI (default: a random free port)
  --ttl <minutes>   how long new codes work, ${TTL_RANGE}`,
  node: `pairwise node
  Run a bootstrap / DHT server node for devices on other networks. Prints its
  multiaddrs (one per line) for others' --bootstrap, then keeps running.`,
  help: `pairwise help [<command>]
  Show help for a command.`
}

export function generalHelp(version: string): string {
  return `pairwise ${version} — pair two computers by reading out 12 words

Usage: pairwise <command> [options]

Commands:
  pair               show a code and wait for the other device
  join [words…]      pair with the device that shows these words
  devices            list paired devices
  revoke <device>    stop trusting a device (name or peer id prefix)
  rename <name>      rename this device
  metrics            pairing counters
  daemon [--ui]      keep running (presence, revocations); --ui serves the web UI
  node               run a bootstrap / DHT node
  help <command>     help for one command

${COMMON}
  --version          print the version
  --help             this help

${EXIT_CODE_HELP}

Errors are one line "pairwise: <message>" and a "hint:" line on stderr
(with --json: a final {"type":"result","ok":false,...} line on stdout).
`
}

export function commandHelp(command: CommandName): string {
  return `${COMMAND_HELP[command]}\n\n${command === 'help' ? '' : COMMON + '\n\n'}${EXIT_CODE_HELP}\n`
}
