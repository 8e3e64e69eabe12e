import { pathToFileURL } from 'node:url'
import { parseArgs, type CliOptions, type CommandName, type ParsedArgs } from './args.ts'
import { commandHelp, generalHelp } from './help.ts'
import { Output } from './output.ts'
import { APP_VERSION } from '../../shared/version.ts'
import { guardAgainstStreamRaces } from '../engine/util/stream-race-guard.ts'

// `pairwise`: the entry point. Only what every invocation needs is imported
// statically — the argument parser, help and output — so `--version` and
// `--help` answer in a few milliseconds; each command loads its own code (and
// the libp2p stack only if it needs a node).

export async function run(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env
): Promise<number> {
  let out = new Output(argv.includes('--json'))
  let parsed: ParsedArgs
  try {
    parsed = parseArgs(argv, env)
  } catch (err) {
    return out.fail(err)
  }
  try {
    switch (parsed.kind) {
      case 'version': {
        out.result({ version: APP_VERSION }, APP_VERSION)
        return 0
      }
      case 'help':
        out.text(parsed.topic === undefined ? generalHelp(APP_VERSION) : commandHelp(parsed.topic))
        if (out.json) out.result({ help: parsed.topic ?? null }, '')
        return 0
      case 'command':
        out = new Output(parsed.options.json)
        return await dispatch(parsed.command, parsed.positionals, parsed.options, out)
    }
  } catch (err) {
    return out.fail(err)
  }
}

async function dispatch(
  command: Exclude<CommandName, 'help'>,
  positionals: string[],
  options: CliOptions,
  out: Output
): Promise<number> {
  // Before any command's schemas are built (see the module).
  await import('../../shared/zod-config.ts')
  switch (command) {
    case 'pair':
      return (await import('./commands/pair.ts')).runPair(options, out)
    case 'join':
      return (await import('./commands/join.ts')).runJoin(positionals, options, out)
    case 'devices':
      return (await import('./commands/devices.ts')).runDevices(options, out)
    case 'revoke':
      return (await import('./commands/devices.ts')).runRevoke(positionals, options, out)
    case 'rename':
      return (await import('./commands/devices.ts')).runRename(positionals, options, out)
    case 'metrics':
      return (await import('./commands/devices.ts')).runMetrics(options, out)
    case 'daemon':
      return (await import('./commands/daemon.ts')).runDaemon(options, out)
    case 'node':
      return (await import('./commands/node.ts')).runNode(options, out)
  }
}

/** Exits once stdout and stderr are flushed: a node's leftover timers must not keep a finished command alive. */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
}

export async function main(): Promise<void> {
  // A libp2p stream race after the work is done must not turn a finished pairing into exit 1.
  guardAgainstStreamRaces((err) => {
    if (process.env.PAIRWISE_DEBUG !== undefined) process.stderr.write(`pairwise: ignored ${err.message}\n`)
  })
  // `pairwise devices | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
  exitWhenFlushed(await run())
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
