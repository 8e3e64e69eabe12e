// LAN pairing over real mDNS, inside network namespaces this test creates.
import assert from 'node:assert/strict'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { eventually } from '../../test-support/eventually.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { createLab, labUnavailableReason, type Lab } from './lab.ts'

const unavailable = labUnavailableReason()

class LanDevice {
  readonly child: ChildProcessWithoutNullStreams
  readonly #waiting: Array<{
    match: (m: Record<string, unknown>) => boolean
    resolve: (m: Record<string, unknown>) => void
  }> = []
  readonly messages: Array<Record<string, unknown>> = []

  constructor(ns: string, address: string, name: string, dataDir: string) {
    this.child = spawn('ip', [
      'netns',
      'exec',
      ns,
      process.execPath,
      '--disable-warning=ExperimentalWarning',
      join(import.meta.dirname, 'lan-device.ts'),
      dataDir,
      address,
      name
    ])
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`))
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as Record<string, unknown>
      this.messages.push(message)
      const i = this.#waiting.findIndex((w) => w.match(message))
      if (i >= 0) this.#waiting.splice(i, 1)[0]!.resolve(message)
    })
  }

  next(key: string, ms = 30_000): Promise<Record<string, unknown>> {
    const seen = this.messages.find((m) => key in m)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no "${key}" within ${ms} ms`)), ms)
      this.#waiting.push({ match: (m) => key in m || 'error' in m, resolve: (m) => (clearTimeout(t), resolve(m)) })
    })
  }

  send(command: unknown): void {
    this.child.stdin.write(JSON.stringify(command) + '\n')
  }
}

describe(
  'LAN pairing over mDNS in network namespaces',
  { skip: unavailable === undefined ? false : `skipped: ${unavailable}`, timeout: 90_000 },
  () => {
    let lab: Lab
    const temp = new TempDirs('lan')
    const devices: LanDevice[] = []

    before(() => {
      lab = createLab(2)
    })

    after(() => {
      for (const d of devices) d.child.kill('SIGKILL')
      lab?.destroy()
      temp.removeAll()
    })

    it('B finds A over mDNS alone (no DHT peers) and both end paired', async () => {
      const [hostA, hostB] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]]
      const dirA = temp.make('a')
      const dirB = temp.make('b')
      const a = new LanDevice(hostA.ns, hostA.ip, 'Alice LAN', dirA)
      const b = new LanDevice(hostB.ns, hostB.ip, 'Bob LAN', dirB)
      devices.push(a, b)
      const readyA = await a.next('ready')
      await b.next('ready')
      a.send({ cmd: 'pair' })
      const { session } = (await a.next('session')) as { session: { words: string[] } }
      b.send({ cmd: 'join', code: session.words.join(' ') })
      const joined = (await b.next('joined')) as {
        joined?: { peerId: string; name: string }
        ms?: number
        error?: unknown
      }
      assert.equal(joined.error, undefined, JSON.stringify(joined.error))
      assert.equal(joined.joined?.peerId, readyA.peerId)
      assert.equal(joined.joined?.name, 'Alice LAN')
      const progress = b.messages.filter((m) => m.event === 'join-progress')
      assert.ok(
        progress.some((m) => m.step === 'verifying' && m.path === 'lan'),
        'the initiator was found and verified over the LAN'
      )
      assert.ok(!progress.some((m) => m.path === 'dht' && m.step !== 'searching'), 'not through the DHT')
      console.log(`LAN pairing over mDNS: join -> paired in ${Number(joined.ms).toFixed(1)} ms`)

      // Both registries agree.
      a.send({ cmd: 'devices' })
      b.send({ cmd: 'devices' })
      // A commits once B's Ack arrives, which can trail B's "joined".
      type DeviceList = Array<{ name: string; status: string }>
      let listA: DeviceList = []
      const aListsPaired = async (): Promise<boolean> => {
        a.messages.splice(0)
        a.send({ cmd: 'devices' })
        listA = ((await a.next('devices')) as { devices: DeviceList }).devices
        return listA[0]?.status === 'paired'
      }
      // On a timeout the assertion below shows what A listed last.
      await eventually('A lists B as paired', aListsPaired, { timeoutMs: 10_000, intervalMs: 200 }).catch(
        () => undefined
      )
      assert.deepEqual(
        listA.map((d) => [d.name, d.status]),
        [['Bob LAN', 'paired']]
      )
      const listB = ((await b.next('devices')) as { devices: typeof listA }).devices
      assert.deepEqual(
        listB.map((d) => [d.name, d.status]),
        [['Alice LAN', 'paired']]
      )
      a.send({ cmd: 'stop' })
      b.send({ cmd: 'stop' })
    })
  }
)
