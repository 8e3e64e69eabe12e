import { createLibp2p } from 'libp2p'
// Real nodes on 127.0.0.1 for integration tests and benchmarks: plain DHT
// nodes (what `pairwise node` runs) and full services in temp data folders.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { FileSecretStore } from '../../main/engine/identity/file-secret-store.ts'
import { createNode, type PairwiseLibp2p } from '../../main/engine/node/libp2p-node.ts'
import { createPairingService } from '../../main/engine/service/service.ts'
import type { PairingService, ServiceOptions } from '../../main/engine/service/types.ts'
import type { MethodParams, PairingSessionView } from '../../shared/api.ts'
import { after, before } from 'node:test'
import { makeTempDir, removeTempDir } from '../temp-dirs.ts'
import { bareNodeOptions } from './bare-node-options.ts'
import { eventually } from '../eventually.ts'

export const LOOPBACK = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  upnp: false,
  dhtMode: 'server' as const,
  allowLoopback: true
}

export async function startDhtNodes(
  count: number
): Promise<{ nodes: PairwiseLibp2p[]; bootstrap: string[]; stop(): Promise<void> }> {
  const nodes: PairwiseLibp2p[] = []
  for (let i = 0; i < count; i++) {
    nodes.push(
      await createNode({
        privateKey: await generateKeyPair('Ed25519'),
        network: { ...LOOPBACK, bootstrap: [] },
        role: 'node',
        policy: { isRefused: () => false },
        inboundLimit: 1000
      })
    )
  }
  const first = nodes[0]!.getMultiaddrs()[0]!
  await Promise.all(nodes.slice(1).map((n) => n.dial(first, { signal: AbortSignal.timeout(5000) })))
  return {
    nodes,
    bootstrap: [first.toString()],
    stop: async () => void (await Promise.all(nodes.map((n) => n.stop())))
  }
}

export interface TestDevice {
  service: PairingService
  dataDir: string
  restart(): Promise<PairingService>
  stop(): Promise<void>
}

export async function startDevice(
  name: string,
  options: Partial<ServiceOptions> & { timing?: Record<string, number>; dataDir?: string } = {}
): Promise<TestDevice> {
  // The caller removes it (removeTempDir) once the device has stopped.
  const dataDir = options.dataDir ?? makeTempDir(name)
  const make = (): Promise<PairingService> =>
    createPairingService({
      dataDir,
      secretStore: FileSecretStore.open(dataDir),
      deviceName: name,
      ...options,
      network: { ...LOOPBACK, bootstrap: [], ...options.network }
    })
  const device: TestDevice = {
    service: await make(),
    dataDir,
    async restart() {
      await device.service.stop()
      device.service = await make()
      return device.service
    },
    async stop() {
      await device.service.stop()
    }
  }
  return device
}

/**
 * Starts a code and waits until its record sits in the DHT, as it would while
 * a person reads the words out: joining before that is covered by the joiner's
 * own patience, but a loaded 2-core CI box should not decide a test.
 */
export async function startAdvertised(
  device: TestDevice,
  params: MethodParams<'startPairing'> = {}
): Promise<PairingSessionView> {
  const session = await device.service.startPairing(params)
  const published = async (): Promise<boolean> => ((await device.service.getState({})).session?.advertisedTo ?? 0) > 0
  await eventually('the code is published', published, { timeoutMs: 20_000 })
  return session
}

/** B joins the code A starts once it is published; resolves with the code when B's join returns. */
export async function joinAdvertised(a: TestDevice, b: TestDevice): Promise<PairingSessionView> {
  const session = await startAdvertised(a)
  await b.service.join({ code: session.words.join(' ') })
  return session
}

/**
 * A suite's DHT nodes and devices, started before its tests and stopped (and
 * their folders removed) after them. Devices join the nodes unless the options say otherwise.
 */
export function loopbackFleet(nodeCount: number, defaults: Parameters<typeof startDevice>[1] = {}) {
  let dht: Awaited<ReturnType<typeof startDhtNodes>> | undefined
  const devices: TestDevice[] = []
  before(async () => {
    dht = await startDhtNodes(nodeCount)
  })
  after(async () => {
    for (const d of devices) await d.stop().catch(() => undefined)
    for (const dir of new Set(devices.map((d) => d.dataDir))) removeTempDir(dir)
    await dht?.stop()
  })
  const bootstrap = (): string[] => {
    if (dht === undefined) throw new Error('the fleet starts in before()')
    return dht.bootstrap
  }
  return {
    bootstrap,
    /** The fleet's DHT nodes (what `pairwise node` runs), for tests that probe the DHT directly. */
    nodes: (): PairwiseLibp2p[] => {
      if (dht === undefined) throw new Error('the fleet starts in before()')
      return dht.nodes
    },
    /** A device on the fleet's nodes; `dataDir` restarts an earlier device from its folder. */
    async device(name: string, options: Parameters<typeof startDevice>[1] = {}): Promise<TestDevice> {
      const d = await startDevice(name, {
        ...defaults,
        network: { bootstrap: bootstrap(), ...defaults.network, ...options.network },
        ...options
      })
      devices.push(d)
      return d
    }
  }
}

/** A paired device's status on `device`, or undefined when it holds no record of it. */
export async function statusOf(device: TestDevice, peerId: string): Promise<string | undefined> {
  return (await device.service.listDevices({ includeRevoked: true })).find((d) => d.peerId === peerId)?.status
}

/** A bare libp2p node: an attacker or relay that speaks only what the test makes it speak. */
export async function bareNode() {
  return createLibp2p(await bareNodeOptions())
}
