// Zero-configuration pairing across NATs over a simulated public libp2p
// network: three "public IPFS nodes" (amino-node.ts: the real kad-dht with the
// Amino protocol and default validators, the real relay server with its
// default limits) on the lab's public side, two homes behind NATs, and real
// `pairwise` processes with NO --bootstrap and no `pairwise node` — only the
// simulated network's bootstrap list, injected through
// PAIRWISE_PUBLIC_BOOTSTRAP. The public network itself is never contacted:
// the lab namespaces have no route out, and the injected list replaces the
// well-known one.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { labEnv, startInLab, type Cli } from './lab-cli.ts'
import { daemonsReadyAndMet, removedByPeer } from './lab-revoke.ts'
import { createNatLab, natLabUnavailableReason, type LabHost, type NatLab } from './nat-lab.ts'

const unavailable = natLabUnavailableReason()
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'pairwise.mjs')
const AMINO_NODE = join(import.meta.dirname, 'amino-node.ts')

const LIMITS = {
  aminoListening: 30_000,
  session: 30_000,
  provided: 30_000,
  join: 60_000,
  pairExit: 20_000,
  shortCommand: 30_000,
  daemonReady: 30_000,
  presence: 45_000,
  removedByPeer: 60_000,
  testCase: 240_000
}

const figures: string[] = []

class PublicLab {
  readonly lab: NatLab
  readonly temp = new TempDirs('natpublic')
  readonly procs: Cli[] = []
  readonly env: NodeJS.ProcessEnv
  readonly t: TestContext

  constructor(t: TestContext) {
    this.t = t
    this.lab = createNatLab({ publicHosts: 3 })
    this.env = labEnv(this.lab.publicCidr)
  }

  spawn(host: LabHost, label: string, script: string, args: string[]): Cli {
    const cli = startInLab(this.lab, host, label, script, args, this.env)
    this.procs.push(cli)
    return cli
  }

  /** The simulated public network: p1 first, then p2 and p3 bootstrapping from it. Returns their multiaddrs. */
  async startPublicNetwork(): Promise<string[]> {
    const [p1, ...rest] = this.lab.public
    const first = this.spawn(p1!, 'amino node', AMINO_NODE, ['--ip', p1!.ip])
    const firstLine = await first.waitFor('listening', (l) => l.type === 'listening', LIMITS.aminoListening)
    const addresses = [String(firstLine.multiaddr)]
    for (const host of rest) {
      const node = this.spawn(host, 'amino node', AMINO_NODE, ['--ip', host.ip, '--bootstrap', addresses[0]!])
      const line = await node.waitFor('listening', (l) => l.type === 'listening', LIMITS.aminoListening)
      addresses.push(String(line.multiaddr))
    }
    // What a device is given, as the front ends would give it the well-known list.
    this.env.PAIRWISE_PUBLIC_BOOTSTRAP = addresses.slice(0, 2).join(',')
    return addresses
  }

  pairwise(host: LabHost, label: string, args: string[]): Cli {
    return this.spawn(host, label, BIN, args)
  }

  async devices(host: LabHost, dataDir: string): Promise<Array<{ name: string; status: string }>> {
    const cli = this.pairwise(host, 'pairwise devices', ['devices', '--json', '--no-mdns', '--data-dir', dataDir])
    await cli.exit(LIMITS.shortCommand)
    return (cli.result()?.devices ?? []) as Array<{ name: string; status: string }>
  }

  async close(): Promise<void> {
    try {
      await Promise.all(this.procs.map((p) => p.stop()))
    } finally {
      this.lab.destroy()
      this.temp.removeAll()
    }
  }
}

describe(
  'pairing across NATs over the public libp2p network (simulated), with no node and no --bootstrap',
  { skip: unavailable === undefined ? false : `skipped: ${unavailable}`, timeout: 6 * 60_000 },
  () => {
    it('NAT↔NAT: pairs, then a revoke from A reaches B across both NATs', { timeout: LIMITS.testCase }, async (t) => {
      const lab = new PublicLab(t)
      try {
        await lab.startPublicNetwork()
        const [hostA, hostB] = [lab.lab.lanA[0]!, lab.lab.lanB[0]!]
        const dirA = lab.temp.make('alice')
        const dirB = lab.temp.make('bob')

        // No --bootstrap anywhere: the public network is the default rendezvous.
        const pair = lab.pairwise(hostA, 'pairwise pair', [
          'pair',
          '--json',
          '--no-mdns',
          '--data-dir',
          dirA,
          '--name',
          'Alice A1'
        ])
        const session = await pair.waitFor('session', (l) => l.type === 'session', LIMITS.session)
        const words = session.words as string[]
        const provided = await pair
          .waitFor('provided', (l) => l.type === 'progress' && Number(l.advertisedTo) > 0, LIMITS.provided)
          .then(
            () => true,
            () => false
          )
        assert.ok(provided, `the initiator never provided its code on the public network\n${pair.transcript()}`)

        const join = lab.pairwise(hostB, 'pairwise join', [
          'join',
          ...words,
          '--json',
          '--no-mdns',
          '--data-dir',
          dirB,
          '--name',
          'Bob B1'
        ])
        const joined = await join.exit(LIMITS.join)
        const context = (): string => `\n${join.transcript()}\n${pair.transcript()}`
        assert.equal(joined.code, 0, `pairwise join exited ${joined.code}${context()}`)
        assert.equal((join.result()?.device as { name?: string }).name, 'Alice A1', context())
        // It was the public network that found Alice: no other path could have (no node, no mDNS).
        assert.ok(
          join.progress().some((l) => l.path === 'public' && l.step === 'found'),
          `the join did not find the code on the public network${context()}`
        )
        const pairExit = await pair.exit(LIMITS.pairExit)
        assert.equal(pairExit.code, 0, `pairwise pair exited ${pairExit.code}${context()}`)
        figures.push(`NAT↔NAT join over the public network (whole process, spawn to exit): ${joined.ms.toFixed(0)} ms`)
        t.diagnostic(figures.at(-1)!)

        assert.deepEqual(
          (await lab.devices(hostA, dirA)).map((d) => [d.name, d.status]),
          [['Bob B1', 'paired']]
        )
        assert.deepEqual(
          (await lab.devices(hostB, dirB)).map((d) => [d.name, d.status]),
          [['Alice A1', 'paired']]
        )

        // Both keep running; A revokes B, and the notice must cross both NATs (B found through its presence record).
        const daemon = (host: LabHost, dir: string): Cli =>
          lab.pairwise(host, 'pairwise daemon', ['daemon', '--json', '--no-mdns', '--data-dir', dir])
        const daemonA = daemon(hostA, dirA)
        const daemonB = daemon(hostB, dirB)
        const online = await daemonsReadyAndMet(daemonA, daemonB, 'Bob B1', LIMITS)
        t.diagnostic(`A's daemon ${online ? 'saw' : 'did not see'} B online within ${LIMITS.presence} ms`)
        const revokeStarted = performance.now()
        const revoke = lab.pairwise(hostA, 'pairwise revoke', [
          'revoke',
          'Bob B1',
          '--yes',
          '--json',
          '--no-mdns',
          '--data-dir',
          dirA
        ])
        await revoke.exit(LIMITS.shortCommand)
        assert.equal(revoke.child.exitCode, 0, `revoke failed\n${revoke.transcript()}\n${daemonA.transcript()}`)
        await removedByPeer(daemonB, daemonA, LIMITS.removedByPeer)
        figures.push(
          `revoke A→B across both NATs: ${(performance.now() - revokeStarted).toFixed(0)} ms (B seen online first: ${online ? 'yes' : 'no'})`
        )
        t.diagnostic(figures.at(-1)!)
      } finally {
        await lab.close()
      }
    })
  }
)

after(() => {
  if (figures.length > 0) console.log(['', 'Public-network lab:', ...figures.map((f) => `  ${f}`), ''].join('\n'))
})
