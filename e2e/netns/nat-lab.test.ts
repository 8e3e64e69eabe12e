// Self-test of the NAT lab (nat-lab.ts) with plain node:net probes, no libp2p:
// it proves the topology that the NAT traversal tests rely on.
import assert from 'node:assert/strict'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { createNatLab, natLabUnavailableReason, type LabHost, type NatLab } from './nat-lab.ts'

const unavailable = natLabUnavailableReason()
const probeScript = join(import.meta.dirname, 'nat-probe.ts')
const nodeArgs = ['--disable-warning=ExperimentalWarning', probeScript]
/** Bound on every "is it reachable?" attempt. */
const UNREACHABLE_MS = 2_000

interface ProbeResult {
  target: string
  ok: boolean
  seenAddress?: string
  seenPort?: number
  localPort?: number
  error?: string
}

const rootLinks = (): string =>
  execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', timeout: 5_000 })
    .split('\n')
    .map((l) => l.split(':')[1]?.trim())
    .filter(Boolean)
    .sort()
    .join(' ')

const namespacesWith = (prefix: string): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5_000 })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix))

describe(
  'NAT lab (network namespaces + nftables)',
  { skip: unavailable === undefined ? false : `skipped: ${unavailable}`, timeout: 120_000 },
  () => {
    let lab: NatLab
    let linksBefore: string
    const servers: ChildProcess[] = []

    before(() => {
      linksBefore = rootLinks()
      lab = createNatLab({
        natA: { forward: { port: 7000, toHost: 0 } },
        natB: { symmetric: true },
        publicHosts: 2,
        hostsPerLan: 2
      })
    })

    after(() => {
      for (const s of servers) s.kill('SIGKILL')
      lab?.destroy()
    })

    /** Start a probe server on host:port and wait (bounded) until it listens. */
    const serve = async (host: LabHost, port: number): Promise<void> => {
      const child = lab.spawn(host, process.execPath, [...nodeArgs, 'serve', host.ip, String(port)], {
        stdio: ['ignore', 'pipe', 'pipe']
      })
      servers.push(child)
      child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${host.name} server] ${d.toString()}`))
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`server on ${host.name}:${port} did not listen within 10 s`)),
          10_000
        )
        child.once(
          'exit',
          (code) => (clearTimeout(timer), reject(new Error(`server on ${host.name}:${port} exited (${code})`)))
        )
        createInterface({ input: child.stdout! }).once('line', () => (clearTimeout(timer), resolve()))
      })
    }

    /** Connect from `from` to every target at once (optionally all from one local port); bounded by timeoutMs. */
    const probe = (
      from: LabHost,
      targets: string[],
      { timeoutMs = UNREACHABLE_MS, localPort = 0 } = {}
    ): ProbeResult[] => {
      const out = lab.exec(
        from,
        process.execPath,
        [...nodeArgs, 'connect', String(timeoutMs), String(localPort), ...targets],
        { timeout: timeoutMs + 8_000 }
      )
      return JSON.parse(out) as ProbeResult[]
    }

    it("is built entirely inside namespaces: no new link in this machine's namespace; hosts have a multicast route and a default route", () => {
      assert.equal(rootLinks(), linksBefore)
      const [p1] = lab.public
      const [a1] = lab.lanA
      for (const host of [p1!, a1!]) {
        assert.match(lab.exec(host, 'ip', ['route', 'show', '224.0.0.0/4']), /dev eth0/)
      }
      assert.match(
        lab.exec(a1!, 'ip', ['route', 'show', 'default']),
        new RegExp(`via ${lab.routers.a.lanIp.replaceAll('.', '\\.')} `)
      )
      assert.match(lab.exec(lab.routers.b, 'nft', ['list', 'ruleset']), /masquerade fully-random/)
      assert.equal(lab.exec(lab.routers.a, 'sysctl', ['-n', 'net.ipv4.ip_forward']).trim(), '1')
      assert.equal(lab.exec(a1!, 'sysctl', ['-n', 'net.ipv4.ip_forward']).trim(), '0')
    })

    it("a public host is reachable from both LANs, and sees the routers' public addresses (masquerade)", async () => {
      const [p1, p2] = lab.public as [LabHost, LabHost]
      await serve(p1, 8000)
      const [fromA] = probe(lab.lanA[0]!, [`${p1.ip}:8000`])
      const [fromB] = probe(lab.lanB[0]!, [`${p1.ip}:8000`])
      const [fromP2] = probe(p2, [`${p1.ip}:8000`])
      assert.equal(fromA?.ok, true, JSON.stringify(fromA))
      assert.equal(fromA?.seenAddress, lab.routers.a.publicIp)
      assert.equal(fromB?.ok, true, JSON.stringify(fromB))
      assert.equal(fromB?.seenAddress, lab.routers.b.publicIp)
      assert.equal(fromP2?.ok, true, JSON.stringify(fromP2))
      assert.equal(fromP2?.seenAddress, p2.ip, 'no NAT between public hosts')
    })

    it('a LAN server without a forward is reachable on its LAN only — not from the other LAN nor the public side (≤ 2 s each)', async () => {
      const [a1, a2] = lab.lanA as [LabHost, LabHost]
      const [b1] = lab.lanB as [LabHost]
      const [p1] = lab.public as [LabHost]
      await serve(a1, 7001)
      await serve(b1, 7001)
      const [neighbour] = probe(a2, [`${a1.ip}:7001`])
      assert.equal(neighbour?.ok, true, JSON.stringify(neighbour))
      assert.equal(neighbour?.seenAddress, a2.ip, 'same LAN: no NAT')

      const cases: Array<[LabHost, string[]]> = [
        [b1, [`${a1.ip}:7001`, `${lab.routers.a.publicIp}:7001`]],
        [p1, [`${a1.ip}:7001`, `${lab.routers.a.publicIp}:7001`, `${b1.ip}:7001`, `${lab.routers.b.publicIp}:7001`]],
        [a1, [`${b1.ip}:7001`, `${lab.routers.b.publicIp}:7001`]]
      ]
      for (const [from, targets] of cases) {
        const started = performance.now()
        const results = probe(from, targets)
        const elapsed = performance.now() - started
        for (const r of results)
          assert.equal(r.ok, false, `${from.name} -> ${r.target} must fail: ${JSON.stringify(r)}`)
        assert.ok(elapsed < UNREACHABLE_MS + 5_000, `bounded wait (${elapsed.toFixed(0)} ms)`)
        console.log(`${from.name} cannot reach ${results.map((r) => `${r.target} (${r.error})`).join(', ')}`)
      }
    })

    it("a port forward on NAT-A makes a LAN-A server reachable at NAT-A's public address and port", async () => {
      const [a1] = lab.lanA as [LabHost]
      const [b1] = lab.lanB as [LabHost]
      const [p1] = lab.public as [LabHost]
      await serve(a1, 7000)
      const [fromPublic, direct] = probe(p1, [`${lab.routers.a.publicIp}:7000`, `${a1.ip}:7000`])
      assert.equal(fromPublic?.ok, true, JSON.stringify(fromPublic))
      assert.equal(fromPublic?.seenAddress, p1.ip, "inbound DNAT keeps the caller's address")
      assert.equal(direct?.ok, false, 'the private address itself stays unroutable')
      const [fromB] = probe(b1, [`${lab.routers.a.publicIp}:7000`])
      assert.equal(fromB?.ok, true, JSON.stringify(fromB))
      assert.equal(fromB?.seenAddress, lab.routers.b.publicIp)
    })

    it("NAT-A keeps a host's source port for every destination; symmetric NAT-B maps one source port to random ports per destination", async () => {
      const [p1, p2] = lab.public as [LabHost, LabHost]
      await serve(p2, 8000) // p1:8000 runs since the first test.
      const targets = [`${p1.ip}:8000`, `${p2.ip}:8000`]

      const cone = probe(lab.lanA[0]!, targets, { localPort: 40001, timeoutMs: 5_000 })
      for (const r of cone) {
        assert.equal(r.ok, true, JSON.stringify(r))
        assert.equal(r.localPort, 40001)
        assert.equal(r.seenAddress, lab.routers.a.publicIp)
        assert.equal(r.seenPort, 40001, `NAT-A preserves the source port towards ${r.target}`)
      }

      const mapped: number[][] = []
      for (const localPort of [40002, 40003, 40004]) {
        const results = probe(lab.lanB[0]!, targets, { localPort, timeoutMs: 5_000 })
        for (const r of results) {
          assert.equal(r.ok, true, JSON.stringify(r))
          assert.equal(r.localPort, localPort)
          assert.equal(r.seenAddress, lab.routers.b.publicIp)
        }
        mapped.push(results.map((r) => r.seenPort!))
      }
      console.log(`NAT-B (fully-random) mapped source ports 40002..40004 to ${JSON.stringify(mapped)} towards [p1, p2]`)
      const flat = mapped.flat()
      assert.ok(
        flat.some((p, i) => p !== 40002 + Math.floor(i / 2)),
        'fully-random does not preserve source ports'
      )
      assert.ok(
        mapped.some(([toP1, toP2]) => toP1 !== toP2),
        'one source port gets different public ports per destination'
      )
    })

    it('a lab that fails halfway removes what it created', () => {
      const before = namespacesWith('pwnat').filter((n) => !n.startsWith(`${lab.prefix}-`))
      assert.throws(() => createNatLab({ failAfterSteps: 30 }), /failAfterSteps/)
      assert.deepEqual(
        namespacesWith('pwnat').filter((n) => !n.startsWith(`${lab.prefix}-`)),
        before
      )
    })

    it('destroy() kills spawned processes and removes every namespace', async () => {
      const alive = servers.filter((s) => s.exitCode === null && s.signalCode === null)
      assert.ok(alive.length > 0)
      const exited = Promise.all(alive.map((s) => new Promise((resolve) => s.once('exit', resolve))))
      assert.ok(namespacesWith(`${lab.prefix}-`).length >= 10)
      lab.destroy()
      assert.deepEqual(namespacesWith(`${lab.prefix}-`), [])
      await Promise.race([
        exited,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('servers still running 5 s after destroy()')), 5_000)
        )
      ])
      assert.equal(rootLinks(), linksBefore)
    })
  }
)
