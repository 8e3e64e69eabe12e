// Whole-process pairing across NATs: real `pairwise` CLI processes, each in a
// host namespace of the NAT lab (nat-lab.ts), meeting through a `pairwise node`
// on the lab's "public" side. Nothing runs in this machine's own network
// namespace, nothing leaves the lab, and every process and the lab itself are
// removed after each case.
//
// The suite runs twice: once as the lab really is (its "public" range is a
// private range, so the app classifies it as private) and once with
// PAIRWISE_TEST_PUBLIC_CIDRS=<lab.publicCidr>, which makes the app treat that
// range as the internet. At the end it prints a table of every case: topology,
// result, the joiner's wall time (spawn to exit) and its last progress message.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { labEnv, startInLab, type Cli } from './lab-cli.ts'
import { daemonsReadyAndMet, removedByPeer } from './lab-revoke.ts'
import { LAB_NODE_PORT, labNodeArgs } from './lab-node.ts'
import { createNatLab, natLabUnavailableReason, type LabHost, type NatLab, type NatLabOptions } from './nat-lab.ts'

const unavailable = natLabUnavailableReason()
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'pairwise.mjs')

/** Bounds on every wait (the engine's own join timeout is 30 s). */
const LIMITS = {
  nodeListening: 30_000,
  session: 30_000,
  advertised: 20_000,
  join: 60_000,
  pairExit: 20_000,
  shortCommand: 30_000,
  daemonReady: 30_000,
  presence: 30_000,
  // Reconnect rounds run every 30 s: this covers the revoke itself plus at least one round.
  removedByPeer: 45_000,
  stop: 10_000,
  testCase: 180_000
}

interface Setting {
  name: string
  publicCidrs: boolean
}

const SETTINGS: Setting[] = [
  { name: 'lab range as is (no PAIRWISE_TEST_PUBLIC_CIDRS)', publicCidrs: false },
  { name: 'PAIRWISE_TEST_PUBLIC_CIDRS=<lab public range>', publicCidrs: true }
]

interface Row {
  setting: string
  topology: string
  result: string
  joinMs: number | undefined
  lastProgress: string
}

const rows: Row[] = []

/** Everything one case creates, torn down by `close()` whatever happened. */
class Case {
  readonly t: TestContext
  readonly setting: Setting
  readonly topology: string
  readonly lab: NatLab
  readonly temp = new TempDirs('natpair')
  readonly procs: Cli[] = []
  readonly env: NodeJS.ProcessEnv
  rowRecorded = false

  constructor(t: TestContext, setting: Setting, topology: string, labOptions: NatLabOptions) {
    this.t = t
    this.setting = setting
    this.topology = topology
    this.lab = createNatLab(labOptions)
    this.env = labEnv(setting.publicCidrs ? this.lab.publicCidr : undefined)
  }

  start(host: LabHost, label: string, args: string[]): Cli {
    const cli = startInLab(this.lab, host, label, BIN, args, this.env)
    this.procs.push(cli)
    return cli
  }

  /** A short command (devices, revoke) run to its end, bounded. */
  async run(host: LabHost, label: string, args: string[]): Promise<Cli> {
    const cli = this.start(host, label, args)
    await cli.exit(LIMITS.shortCommand)
    return cli
  }

  /** `pairwise node` on a public host; returns the --bootstrap value it prints. */
  async startNode(host: LabHost): Promise<{ node: Cli; bootstrap: string }> {
    const dir = this.temp.make('node')
    const node = this.start(host, 'pairwise node', labNodeArgs(dir))
    const listening = await node.waitFor('"listening" line', (l) => l.type === 'listening', LIMITS.nodeListening)
    const bootstrap = listening.bootstrap
    assert.equal(typeof bootstrap, 'string', `pairwise node printed no bootstrap address:\n${node.transcript()}`)
    assert.ok(
      String(bootstrap).includes(`/ip4/${host.ip}/tcp/${LAB_NODE_PORT}/p2p/`),
      `the bootstrap address ${String(bootstrap)} is not the node's lab address ${host.ip}:${LAB_NODE_PORT}`
    )
    this.t.diagnostic(
      `node on ${host.name}: bootstrap ${String(bootstrap)}; multiaddrs ${JSON.stringify(listening.multiaddrs)}`
    )
    return { node, bootstrap: String(bootstrap) }
  }

  record(result: string, joiner: Cli | undefined, joinMs: number | undefined): void {
    const progress = joiner?.progress() ?? []
    const last = progress.at(-1)
    const lastProgress =
      last === undefined
        ? '—'
        : `${String(last.message)}${last.path === null || last.path === undefined ? '' : ` [${String(last.path)}]`}`
    const row = {
      setting: this.setting.publicCidrs ? 'public CIDRs' : 'as is',
      topology: this.topology,
      result,
      joinMs,
      lastProgress
    }
    rows.push(row)
    this.rowRecorded = true
    this.t.diagnostic(
      `${row.topology} | ${row.setting} | ${row.result} | ${joinMs === undefined ? '—' : `${joinMs.toFixed(0)} ms`} | ${row.lastProgress}`
    )
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

/** Builds a lab, runs `body`, records a row for the table even when it throws, and always tears down. */
async function inLab(
  t: TestContext,
  setting: Setting,
  topology: string,
  labOptions: NatLabOptions,
  body: (c: Case) => Promise<void>
): Promise<void> {
  const c = new Case(t, setting, topology, labOptions)
  try {
    await body(c)
  } catch (err) {
    if (!c.rowRecorded)
      c.record(`FAILED before the join ended: ${String((err as Error).message).split('\n')[0]}`, undefined, undefined)
    throw err
  } finally {
    await c.close()
  }
}

interface Paired {
  initiatorDir: string
  joinerDir: string
  initiator: Cli
  joiner: Cli
  joinMs: number
}

/**
 * `pairwise pair` on one host, `pairwise join <words>` on another, both with
 * --bootstrap <node>: both must exit 0 and list each other as paired.
 */
async function pairThroughNode(
  c: Case,
  bootstrap: string,
  initHost: LabHost,
  joinHost: LabHost,
  names: { initiator: string; joiner: string }
): Promise<Paired> {
  const initiatorDir = c.temp.make('initiator')
  const joinerDir = c.temp.make('joiner')
  const initiator = c.start(initHost, 'pairwise pair', [
    'pair',
    '--json',
    '--no-mdns',
    '--bootstrap',
    bootstrap,
    '--data-dir',
    initiatorDir,
    '--name',
    names.initiator
  ])
  const session = await initiator.waitFor('"session" line', (l) => l.type === 'session', LIMITS.session)
  const words = session.words as string[]
  assert.equal(words.length, 12)
  // As with people (reading 12 words takes a while), the joiner starts once the code is published;
  // if it never is, the join runs anyway and the table says so.
  const advertised = await initiator
    .waitFor(
      'a progress line with advertisedTo ≥ 1',
      (l) => l.type === 'progress' && Number(l.advertisedTo) > 0,
      LIMITS.advertised
    )
    .then(
      () => true,
      () => false
    )
  if (!advertised)
    c.t.diagnostic(
      `the initiator reported no DHT peer holding its record within ${LIMITS.advertised} ms; joining anyway`
    )

  const joiner = c.start(joinHost, 'pairwise join', [
    'join',
    ...words,
    '--json',
    '--no-mdns',
    '--bootstrap',
    bootstrap,
    '--data-dir',
    joinerDir,
    '--name',
    names.joiner
  ])
  let joined: { code: number | null; ms: number }
  try {
    joined = await joiner.exit(LIMITS.join)
  } catch (err) {
    c.record(
      `FAILED: join still running after ${LIMITS.join} ms${advertised ? '' : ' (record not published)'}`,
      joiner,
      undefined
    )
    throw err
  }
  const result = joiner.result()
  const outcome =
    joined.code === 0 && result?.ok === true
      ? 'paired'
      : `FAILED: exit ${joined.code}, ${JSON.stringify((result?.error as { code?: string } | undefined)?.code ?? 'no result line')}`
  c.record(`${outcome}${advertised ? '' : ' (record not published)'}`, joiner, joined.ms)
  const context = (): string => `\n${joiner.transcript()}\n${initiator.transcript()}`
  assert.equal(joined.code, 0, `pairwise join exited ${joined.code}${context()}`)
  assert.equal(result?.ok, true, `the join's result line is not ok${context()}`)
  assert.equal(
    (result.device as { name?: string }).name,
    names.initiator,
    `the joiner paired with the wrong device${context()}`
  )

  const pairExit = await initiator.exit(LIMITS.pairExit)
  const pairResult = initiator.result()
  assert.equal(pairExit.code, 0, `pairwise pair exited ${pairExit.code}${context()}`)
  assert.equal(
    (pairResult?.device as { name?: string } | undefined)?.name,
    names.joiner,
    `the initiator's result does not name the joiner${context()}`
  )

  await expectDevice(c, initHost, initiatorDir, names.joiner, 'paired')
  await expectDevice(c, joinHost, joinerDir, names.initiator, 'paired')
  return { initiatorDir, joinerDir, initiator, joiner, joinMs: joined.ms }
}

/** `pairwise devices --json` on `host` lists `name` with `status`. */
async function expectDevice(c: Case, host: LabHost, dataDir: string, name: string, status: string): Promise<void> {
  const devices = await c.run(host, 'pairwise devices', ['devices', '--json', '--no-mdns', '--data-dir', dataDir])
  const result = devices.result()
  assert.equal(devices.child.exitCode, 0, `pairwise devices exited ${devices.child.exitCode}\n${devices.transcript()}`)
  const list = (result?.devices ?? []) as Array<{ name: string; status: string }>
  assert.deepEqual(
    list.filter((d) => d.name === name).map((d) => [d.name, d.status]),
    [[name, status]],
    `${host.name} should list ${name} as ${status}; it lists ${JSON.stringify(list.map((d) => [d.name, d.status]))}`
  )
}

/** The topologies where a pairing through the node is the whole case: which hosts pair, and their names. */
const PAIRING_CASES: Array<{
  title: string
  topology: string
  lab: NatLabOptions
  hosts: (lab: NatLab) => [LabHost, LabHost]
  names: { initiator: string; joiner: string }
}> = [
  {
    title: 'NAT↔NAT: initiator on LAN-A, joiner on LAN-B, node on a public host',
    topology: 'NAT↔NAT (cone)',
    lab: {},
    hosts: (lab) => [lab.lanA[0]!, lab.lanB[0]!],
    names: { initiator: 'Alice A1', joiner: 'Bob B1' }
  },
  {
    title: 'symmetric NAT ↔ symmetric NAT',
    topology: 'symmetric↔symmetric',
    lab: { natA: { symmetric: true }, natB: { symmetric: true } },
    hosts: (lab) => [lab.lanA[0]!, lab.lanB[0]!],
    names: { initiator: 'Alice A1', joiner: 'Bob B1' }
  },
  {
    title: 'public initiator ↔ NATed joiner',
    topology: 'public init ↔ NATed joiner',
    lab: { publicHosts: 3 },
    hosts: (lab) => [lab.public[1]!, lab.lanB[0]!],
    names: { initiator: 'Paul P2', joiner: 'Bob B1' }
  },
  {
    title: 'NATed initiator ↔ public joiner',
    topology: 'NATed init ↔ public joiner',
    lab: { publicHosts: 3 },
    hosts: (lab) => [lab.lanA[0]!, lab.public[2]!],
    names: { initiator: 'Alice A1', joiner: 'Petra P3' }
  },
  {
    title: 'same LAN behind one NAT, no mDNS',
    topology: 'same LAN behind NAT-A',
    lab: { hostsPerLan: 2 },
    hosts: (lab) => [lab.lanA[0]!, lab.lanA[1]!],
    names: { initiator: 'Alice A1', joiner: 'Anna A2' }
  }
]

for (const setting of SETTINGS) {
  describe(
    `pairing across NATs through a pairwise node — ${setting.name}`,
    { skip: unavailable === undefined ? false : `skipped: ${unavailable}`, timeout: 8 * 60_000 },
    () => {
      for (const k of PAIRING_CASES)
        it(k.title, { timeout: LIMITS.testCase }, (t) =>
          inLab(t, setting, k.topology, k.lab, async (c) => {
            const { bootstrap } = await c.startNode(c.lab.public[0]!)
            const [initHost, joinHost] = k.hosts(c.lab)
            await pairThroughNode(c, bootstrap, initHost, joinHost, k.names)
          })
        )

      it("after a NAT↔NAT pairing, a revoke from A's daemon reaches B's daemon", { timeout: LIMITS.testCase }, (t) =>
        inLab(t, setting, 'NAT↔NAT, then revoke', {}, async (c) => {
          const [hostA, hostB] = [c.lab.lanA[0]!, c.lab.lanB[0]!]
          const { bootstrap } = await c.startNode(c.lab.public[0]!)
          const paired = await pairThroughNode(c, bootstrap, hostA, hostB, { initiator: 'Alice A1', joiner: 'Bob B1' })

          const daemon = (host: LabHost, dir: string): Cli =>
            c.start(host, 'pairwise daemon', [
              'daemon',
              '--json',
              '--no-mdns',
              '--bootstrap',
              bootstrap,
              '--data-dir',
              dir
            ])
          const daemonA = daemon(hostA, paired.initiatorDir)
          const daemonB = daemon(hostB, paired.joinerDir)
          // Not required for the revoke (it is delivered whenever B is reached), but it says whether the daemons meet.
          const online = await daemonsReadyAndMet(daemonA, daemonB, 'Bob B1', LIMITS)
          t.diagnostic(`A's daemon ${online ? 'saw' : 'did not see'} B online within ${LIMITS.presence} ms`)

          // In A's namespace: the daemon's control API is on that namespace's 127.0.0.1.
          const revokeStarted = performance.now()
          const revoke = await c.run(hostA, 'pairwise revoke', [
            'revoke',
            'Bob B1',
            '--json',
            '--no-mdns',
            '--data-dir',
            paired.initiatorDir
          ])
          assert.equal(
            revoke.child.exitCode,
            0,
            `pairwise revoke exited ${revoke.child.exitCode}\n${revoke.transcript()}\n${daemonA.transcript()}`
          )
          assert.equal(
            (revoke.result()?.device as { status?: string } | undefined)?.status,
            'revoked',
            revoke.transcript()
          )
          assert.match(
            revoke.stderr,
            /using the running daemon/,
            `revoke should have gone through A's daemon\n${revoke.transcript()}`
          )

          await removedByPeer(daemonB, daemonA, LIMITS.removedByPeer)
          const deliveredMs = performance.now() - revokeStarted
          t.diagnostic(`revoke → B's removed-by-peer: ${deliveredMs.toFixed(0)} ms`)
          rows.push({
            setting: setting.publicCidrs ? 'public CIDRs' : 'as is',
            topology: '  └ revoke A→B (daemons)',
            result: 'delivered',
            joinMs: deliveredMs,
            lastProgress: `A saw B online first: ${online ? 'yes' : 'no'}`
          })

          // `devices` beside a running daemon goes through the daemon.
          await expectDevice(c, hostB, paired.joinerDir, 'Alice A1', 'removed-by-peer')
          await expectDevice(c, hostA, paired.initiatorDir, 'Bob B1', 'revoked')
        })
      )
    }
  )
}

after(() => {
  if (rows.length === 0) return
  const header: Row = {
    setting: 'setting',
    topology: 'topology',
    result: 'result',
    joinMs: undefined,
    lastProgress: "joiner's last progress message"
  }
  const cells = (r: Row): string[] => [
    r.topology,
    r.setting,
    r.result,
    r === header ? 'joiner time' : r.joinMs === undefined ? '—' : `${r.joinMs.toFixed(0)} ms`,
    r.lastProgress
  ]
  const all = [header, ...rows].map(cells)
  const widths = all[0]!.map((_, i) => Math.max(...all.map((row) => row[i]!.length)))
  const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  console.log(
    [
      '',
      'NAT pairing through `pairwise node` (whole processes; joiner time = spawn to exit of `pairwise join`):',
      line(all[0]!),
      `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
      ...all.slice(1).map(line),
      ''
    ].join('\n')
  )
})
