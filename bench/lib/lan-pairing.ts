// One pairing on the LAN path, in one process, timed through public APIs only.
//
// Why raceJoin directly: the service's own LAN path starts only with mDNS on,
// and mDNS must never send on this machine's real interface (DESIGN §5). So
// the joiner runs the engine's real `raceJoin` with a `lan` source that
// "discovered" the initiator's loopback address — exactly the candidate the
// mDNS listener would have handed it — while the initiator is a complete
// PairingService. The joiner is built from the engine's parts as the service
// wires them (its own libp2p node, registry, peer store, secret store,
// TrustStore, LocalDevice), and its commit is the one the service's Joining
// part makes: `trust.recordPairing(outcome, 'paired')` (the peer's addresses
// go into its registry row; see pairing-components.ts).
//
// Timing reads only what is public: the joiner's raceJoin callbacks (ours),
// libp2p's `connection:open` on the joiner's node, and the initiator
// service's 'session' and 'devices-changed' events. What happens inside the
// initiator between two of its events (its pending and confirm commits, the
// Ack's arrival) is not split further.
import type { Connection } from '@libp2p/interface'
import { performance } from 'node:perf_hooks'
import { parseCodeOrThrow } from '../../shared/code/index.ts'
import { APP_VERSION } from '../../shared/version.ts'
import { FileSecretStore } from '../../main/engine/identity/file-secret-store.ts'
import { loadOrCreateIdentity, osLabel } from '../../main/engine/identity/identity.ts'
import type { LocalIdentity } from '../../main/engine/identity/local-identity.ts'
import { raceJoin, type Candidate } from '../../main/engine/node/join-race.ts'
import { createNode, type PairwiseLibp2p } from '../../main/engine/node/libp2p-node.ts'
import { SqliteDatastore } from '../../main/engine/node/sqlite-datastore.ts'
import { Registry } from '../../main/engine/registry/registry.ts'
import { dataFiles } from '../../main/engine/service/data-dir.ts'
import { LocalDevice } from '../../main/engine/service/local-device.ts'
import { TrustStore } from '../../main/engine/trust/trust-store.ts'
import { LOOPBACK, type TestDevice } from '../../test-support/engine/loopback-network.ts'
import { makeTempDir, removeTempDir } from '../../test-support/temp-dirs.ts'

export interface Timeline {
  /** The words are handed to raceJoin. */
  submit: number
  /** Joiner: the first "connecting" progress (the dial starts). */
  connecting?: number
  /** Joiner's node: `connection:open` to the initiator (TCP + Noise + yamux done). */
  connected?: number
  /** Initiator: a session view naming the joiner while still waiting (its Hello was admitted). */
  initiatorHello?: number
  /** Joiner: "verifying" progress (the Challenge's proof checked out). */
  verifying?: number
  /** Initiator: session state "committing" (the Response verified; the pending commit starts). */
  initiatorCommitting?: number
  /** Initiator: the first devices-changed after that (the pending pairing is stored). */
  initiatorPending?: number
  /** Joiner: "committing" progress (the Complete verified). */
  committing?: number
  joinerCommitStart?: number
  joinerCommitEnd?: number
  /** raceJoin resolved (the Ack is sent). */
  joined?: number
  /** Initiator: session state "paired" (the Ack arrived and the confirm is stored). */
  initiatorPaired?: number
}

/** A joining device made of the engine's parts, in its own temp data folder. */
export interface LanJoiner {
  readonly name: string
  readonly identity: LocalIdentity
  readonly node: PairwiseLibp2p
  readonly trust: TrustStore
  readonly local: LocalDevice
  /** Stops the node, closes the files and removes the data folder. */
  stop(): Promise<void>
}

export async function startJoiner(name: string): Promise<LanJoiner> {
  const dataDir = makeTempDir(name)
  const secrets = FileSecretStore.open(dataDir)
  const identity = await loadOrCreateIdentity(dataDir, secrets)
  const files = dataFiles(dataDir)
  const registry = Registry.open(files.registry)
  registry.setThisDevice({ peerId: identity.peerId, name, os: osLabel() })
  const trust = new TrustStore(registry, secrets)
  const datastore = new SqliteDatastore(files.peerStore)
  // A fresh device has revoked nobody (and the service lets any peer through while it joins).
  // Identify stays off, as in the service, which runs it only once no pairing is under way.
  const node = await createNode({
    privateKey: identity.privateKey,
    network: { ...LOOPBACK, bootstrap: [] },
    role: 'device',
    policy: { isRefused: () => false },
    datastore,
    identifyOnOpen: false
  })
  const local = new LocalDevice({
    node,
    registry,
    protection: secrets.protection,
    appVersion: APP_VERSION,
    allowLoopback: true
  })
  return {
    name,
    identity,
    node,
    trust,
    local,
    async stop() {
      try {
        await node.stop()
      } finally {
        registry.close()
        datastore.close()
        removeTempDir(dataDir)
      }
    }
  }
}

/**
 * Follows the initiator service's public events. Returns a function that
 * points them at the current pairing's timeline (undefined: none).
 */
export function watchInitiator(device: TestDevice): (t: Timeline | undefined) => void {
  let current: Timeline | undefined
  device.service.on('session', (view) => {
    const t = current
    if (t === undefined || view === null) return
    if (view.state === 'waiting' && view.joiner !== null) t.initiatorHello ??= performance.now()
    if (view.state === 'committing') t.initiatorCommitting ??= performance.now()
    if (view.state === 'paired') t.initiatorPaired ??= performance.now()
  })
  device.service.on('devices-changed', () => {
    const t = current
    if (t?.initiatorCommitting !== undefined) t.initiatorPending ??= performance.now()
  })
  return (t) => {
    current = t
  }
}

/** The candidate mDNS would report for a device: its peer id and its listen addresses. */
export function lanCandidate(device: TestDevice): Candidate {
  return {
    peerId: device.service.peerId,
    addrs: device.service
      .multiaddrs()
      .filter((a) => a.includes('/ip4/127.0.0.1/'))
      .map((a) => a.replace(/\/p2p\/.*$/, '')),
    path: 'lan'
  }
}

/**
 * Runs the joiner's side of one LAN pairing against `initiator`, which must
 * already wait with `words`. Resolves when BOTH registries hold the pairing
 * (the joiner committed and the initiator confirmed), with the timeline.
 */
export async function lanPair(
  joiner: LanJoiner,
  initiator: TestDevice,
  words: string[],
  timeline: Timeline,
  timeoutMs = 20_000
): Promise<void> {
  const candidate = lanCandidate(initiator)
  const initiatorPaired = new Promise<void>((resolve, reject) => {
    const off = initiator.service.on('session', (view) => {
      if (view?.state === 'paired') {
        off()
        resolve()
      } else if (view !== null && view.state !== 'waiting' && view.state !== 'committing') {
        off()
        reject(new Error(`initiator session ended ${view.state}`))
      }
    })
    setTimeout(() => {
      off()
      reject(new Error('initiator did not confirm in time'))
    }, timeoutMs).unref()
  })
  initiatorPaired.catch(() => undefined)
  const onOpen = (event: CustomEvent<Connection>): void => {
    if (event.detail.remotePeer.toString() === candidate.peerId) timeline.connected ??= performance.now()
  }
  joiner.node.addEventListener('connection:open', onOpen)
  timeline.submit = performance.now()
  const { entropy } = parseCodeOrThrow(words.join(' '))
  try {
    await raceJoin({
      node: joiner.node,
      entropy,
      identity: joiner.identity,
      device: joiner.local.info(),
      commit: async (o) => {
        timeline.joinerCommitStart = performance.now()
        await joiner.trust.recordPairing(o, 'paired')
        timeline.joinerCommitEnd = performance.now()
      },
      progress: (p) => {
        if (p.step === 'connecting') timeline.connecting ??= performance.now()
        if (p.step === 'verifying') timeline.verifying = performance.now()
        if (p.step === 'committing') timeline.committing = performance.now()
      },
      timeoutMs,
      lanWaitMs: timeoutMs,
      useDht: false,
      allowLoopback: true,
      lan: { query: () => undefined, known: () => [candidate], subscribe: () => () => undefined }
    })
  } finally {
    entropy.fill(0)
    joiner.node.removeEventListener('connection:open', onOpen)
  }
  timeline.joined = performance.now()
  await initiatorPaired
  timeline.initiatorPaired ??= performance.now()
}

/** When both registries hold the pairing. */
export const pairedAt = (t: Timeline): number => Math.max(t.joined ?? NaN, t.initiatorPaired ?? NaN)

/** Splits one timeline into phases, in ms. */
export function phasesOf(t: Required<Timeline>): Record<string, number> {
  const both = pairedAt(t)
  return {
    total: both - t.submit,
    beforeDial: t.connecting - t.submit,
    connect: t.connected - t.connecting,
    helloAdmitted: t.initiatorHello - t.connected,
    challengeVerified: t.verifying - t.initiatorHello,
    responseVerified: t.initiatorCommitting - t.verifying,
    initiatorPendingCommit: t.initiatorPending - t.initiatorCommitting,
    completeVerified: t.committing - t.initiatorPending,
    joinerCommit: t.joinerCommitEnd - t.joinerCommitStart,
    ackToConfirmed: both - t.joinerCommitEnd
  }
}
