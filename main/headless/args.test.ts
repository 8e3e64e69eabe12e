import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PairwiseError } from '../../shared/errors.ts'
import { parseArgs } from './args.ts'
import { EXIT_CODE_FOR } from './exit-codes.ts'
import { pickDevice } from './commands/devices.ts'
import type { DeviceView } from '../../shared/api.ts'

const BOOT = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDS5YCPotEGsuf7i6ntTxzEPWXarf65PnStB2p8skpCcL'

function usage(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseArgs(argv, env)
  } catch (err) {
    assert.ok(err instanceof PairwiseError)
    assert.equal(err.code, 'invalid-argument')
    assert.equal(EXIT_CODE_FOR[err.code], 2)
    return err.message
  }
  assert.fail(`accepted: ${argv.join(' ')}`)
}

test('flags go before or after the command, as --flag value or --flag=value, and repeat where lists', () => {
  const parsed = parseArgs(
    [
      '--json',
      'join',
      'a',
      '--listen=/ip4/127.0.0.1/tcp/0',
      'b',
      '--listen',
      '/ip6/::1/tcp/0',
      '--bootstrap',
      BOOT,
      '--no-mdns'
    ],
    { PAIRWISE_BOOTSTRAP: ` ${BOOT} ,` }
  )
  assert.equal(parsed.kind, 'command')
  if (parsed.kind !== 'command') return
  assert.equal(parsed.command, 'join')
  assert.deepEqual(parsed.positionals, ['a', 'b'])
  assert.deepEqual(parsed.options.listen, ['/ip4/127.0.0.1/tcp/0', '/ip6/::1/tcp/0'])
  assert.deepEqual(parsed.options.bootstrap, [BOOT, BOOT])
  assert.equal(parsed.options.json, true)
  assert.equal(parsed.options.mdns, false)
  assert.equal(parsed.options.loopback, false)
})

test('--version and --help win over everything else; no command is help', () => {
  assert.deepEqual(parseArgs(['pair', '--version']), { kind: 'version' })
  assert.deepEqual(parseArgs(['-v']), { kind: 'version' })
  assert.deepEqual(parseArgs(['revoke', '--help']), { kind: 'help', topic: 'revoke' })
  assert.deepEqual(parseArgs(['help', 'join']), { kind: 'help', topic: 'join' })
  assert.deepEqual(parseArgs([]), { kind: 'help', topic: undefined })
})

test('mistakes are usage errors that say what is wrong', () => {
  assert.match(usage(['frob']), /Unknown command “frob”/)
  assert.match(usage(['pair', '--frob']), /Unknown option --frob/)
  assert.match(usage(['pair', '-x']), /Unknown option -x/)
  assert.match(usage(['pair', '--ttl', '0']), /--ttl must be minutes from 1 to 10/)
  assert.match(usage(['pair', '--ttl', '1.5']), /--ttl/)
  assert.match(usage(['pair', '--ttl']), /--ttl needs a value/)
  assert.match(usage(['join', '--ttl', '5']), /--ttl does not apply to `pairwise join`/)
  assert.match(usage(['daemon', '--ui-port', '70000', '--ui']), /--ui-port must be a port/)
  assert.match(usage(['daemon', '--ui-port', '8080']), /--ui-port needs --ui/)
  assert.match(usage(['pair', 'extra']), /Too many arguments/)
  assert.match(usage(['revoke']), /needs a device name or peer id prefix/)
  assert.match(usage(['pair', '--json=yes']), /--json takes no value/)
  assert.match(usage(['pair', '--data-dir', 'a', '--data-dir', 'b']), /given twice/)
  assert.match(usage(['pair', '--bootstrap', '/ip4/1.2.3.4/tcp/1']), /no \/p2p\//)
  assert.match(usage(['pair', '--listen', 'localhost:80']), /not a multiaddr/)
  assert.match(usage(['pair'], { PAIRWISE_BOOTSTRAP: 'nonsense' }), /not a multiaddr/)
  assert.match(usage(['rename', 'x', '--name', ' ']), /--name: A device name cannot be empty/)
  assert.match(usage(['rename', 'x', '--name', 'a'.repeat(65)]), /at most 64/)
  assert.match(usage(['rename', 'x', '--name', 'Bank\x1b[2J']), /control or text-direction/)
  assert.match(usage(['rename', 'x', '--name', 'evil\u202etxt.exe']), /control or text-direction/)
})

test('after -- everything is a word, even what looks like a flag', () => {
  const parsed = parseArgs(['rename', '--', '--not-a-flag'])
  assert.ok(parsed.kind === 'command')
  assert.deepEqual(parsed.positionals, ['--not-a-flag'])
})

function device(name: string, peerId: string, status: DeviceView['status'] = 'paired'): DeviceView {
  return {
    peerId,
    name,
    os: 'Linux',
    appVersion: '0.1.0',
    fingerprint: 'AAAA BBBB CCCC DDDD',
    pairedAt: 0,
    lastSeen: null,
    online: false,
    status,
    revokedAt: null
  }
}

test('revoke picks by exact name or peer id prefix, and refuses to guess', () => {
  const laptop = device('Laptop', '12D3KooWAAAA1111')
  const desk1 = device('Desk', '12D3KooWBBBB2222')
  const desk2 = device('Desk', '12D3KooWBBCC3333')
  const oldLaptop = device('Laptop', '12D3KooWDDDD4444', 'revoked')
  const all = [laptop, desk1, desk2, oldLaptop]
  assert.equal(pickDevice(all, 'laptop'), laptop, 'a revoked namesake does not make it ambiguous')
  assert.equal(pickDevice(all, '12D3KooWBBCC'), desk2)
  assert.throws(
    () => pickDevice(all, 'Desk'),
    (err: PairwiseError) => err.code === 'invalid-argument' && /matches 2 devices/.test(err.message)
  )
  assert.throws(
    () => pickDevice(all, '12D3KooWBB'),
    (err: PairwiseError) => err.code === 'invalid-argument'
  )
  assert.throws(
    () => pickDevice(all, 'Phone'),
    (err: PairwiseError) => err.code === 'not-found' && /Known devices: Laptop/.test(err.message)
  )
  // Every peer id starts with 12D3KooW: such a prefix never picks a device, even the only one.
  for (const pool of [all, [laptop]]) {
    assert.throws(
      () => pickDevice(pool, '12D3KooW'),
      (err: PairwiseError) =>
        err.code === 'invalid-argument' &&
        /too short/.test(err.message) &&
        err.message.includes('Laptop (12D3KooWAAAA…)')
    )
  }
  assert.throws(
    () => pickDevice(all, '12D3KooWBB'),
    (err: PairwiseError) => err.code === 'invalid-argument' && /Desk .*Desk/.test(err.message),
    'a short prefix lists the devices it matches'
  )
})
