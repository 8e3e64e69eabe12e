// One pairing on the LAN path, in one process, instrumented.
//
// Why raceJoin directly: the service's own LAN path starts only with mDNS on,
// and mDNS must never send on this machine's real interface (DESIGN §5). So
// the joiner runs the engine's real `raceJoin` with a `lan` source that
// "discovered" the initiator's loopback address — exactly the candidate the
// mDNS listener would have handed it — while the initiator is a complete
// PairingService. The joiner's commit does what Service#commit does (seal the
// pair key, one registry transaction, policy refresh, peer-store merge,
// device list for the UI), against the joiner service's own registry file.
import { performance } from 'node:perf_hooks'
import { parseCodeOrThrow } from '../../shared/code/index.ts'
import type { DeviceInfo } from '../../shared/device.ts'
import { FileSecretStore } from '../../main/engine/identity/file-secret-store.ts'
import { osLabel } from '../../main/engine/identity/identity.ts'
import { raceJoin, type Candidate } from '../../main/engine/node/join-race.ts'
import type { PairwiseLibp2p } from '../../main/engine/node/libp2p-node.ts'
import type { PairingOutcome } from '../../main/engine/protocol/types.ts'
import type { Registry } from '../../main/engine/registry/registry.ts'
import { APP_VERSION } from '../../shared/version.ts'
import type { TestDevice } from '../../test-support/engine/loopback-network.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PrivateKey } from '@libp2p/interface'

/** The parts of the Service class (beyond the PairingService interface) a benchmark drives directly. */
export interface ServiceInternals {
  node: PairwiseLibp2p
  registry: Registry
  privateKey: PrivateKey
  peerId: string
  localAddresses(): string[]
}

export const internals = (device: TestDevice): ServiceInternals => device.service as unknown as ServiceInternals

export interface Timeline {
  submit: number
  dialStart?: number
  dialEnd?: number
  verifying?: number
  committing?: number
  joinerCommitStart?: number
  joinerCommitEnd?: number
  joined?: number
  initiatorHello?: number
  initiatorPendingStart?: number
  initiatorPendingEnd?: number
  initiatorConfirmStart?: number
  initiatorConfirmEnd?: number
  initiatorPaired?: number
}

/**
 * Wraps a device's registry writes and node dials with timers (instance
 * properties only; the engine code is untouched). Returns a function that
 * points the timers at the current pairing's timeline.
 */
export function instrument(device: TestDevice, role: 'initiator' | 'joiner'): (t: Timeline | undefined) => void {
  let current: Timeline | undefined
  const svc = internals(device)
  const registry = svc.registry
  if (role === 'initiator') {
    const record = registry.recordPairing.bind(registry)
    registry.recordPairing = (input) => {
      if (current !== undefined) current.initiatorPendingStart = performance.now()
      try {
        return record(input)
      } finally {
        if (current !== undefined) current.initiatorPendingEnd = performance.now()
      }
    }
    const confirm = registry.confirmPairing.bind(registry)
    registry.confirmPairing = (peerId) => {
      if (current !== undefined) current.initiatorConfirmStart = performance.now()
      try {
        return confirm(peerId)
      } finally {
        if (current !== undefined) current.initiatorConfirmEnd = performance.now()
      }
    }
    device.service.on('session', (view) => {
      if (current === undefined || view === null) return
      if (view.joiner !== null && view.state === 'waiting' && current.initiatorHello === undefined) current.initiatorHello = performance.now()
      if (view.state === 'paired' && current.initiatorPaired === undefined) current.initiatorPaired = performance.now()
    })
  } else {
    const node = svc.node
    const dialProtocol = node.dialProtocol.bind(node)
    node.dialProtocol = (async (...args: Parameters<typeof dialProtocol>) => {
      const t = current
      if (t !== undefined) t.dialStart = performance.now()
      const stream = await dialProtocol(...args)
      if (t !== undefined) t.dialEnd = performance.now()
      return stream
    }) as typeof node.dialProtocol
  }
  return (t) => {
    current = t
  }
}

/** The joiner's half of Service#commit, against the joiner's own files. */
async function commitLikeService(device: TestDevice, outcome: PairingOutcome): Promise<void> {
  const svc = internals(device)
  const sealed = await FileSecretStore.open(device.dataDir).seal(outcome.pairKey)
  outcome.pairKey.fill(0)
  svc.registry.recordPairing({
    peerId: outcome.remotePeerId,
    name: outcome.remoteDevice.name,
    os: outcome.remoteDevice.os,
    appVersion: outcome.remoteDevice.appVersion,
    addresses: outcome.remoteDevice.addresses,
    pairKeySealed: sealed,
    status: 'paired'
  })
  svc.registry.revokedPeerIds()
  svc.registry.pendingRevocations()
  const addrs = outcome.remoteDevice.addresses.map((a) => multiaddr(a))
  if (addrs.length > 0) await svc.node.peerStore.merge(peerIdFromString(outcome.remotePeerId), { multiaddrs: addrs })
  svc.registry.listDevices({ includeRevoked: true })
}

export function deviceInfoOf(device: TestDevice, name: string): DeviceInfo {
  return { name, os: osLabel(), appVersion: APP_VERSION, addresses: internals(device).localAddresses() }
}

/** The candidate mDNS would report for a device: its peer id and its listen addresses. */
export function lanCandidate(device: TestDevice): Candidate {
  return { peerId: device.service.peerId, addrs: device.service.multiaddrs().filter((a) => a.includes('/ip4/127.0.0.1/')).map((a) => a.replace(/\/p2p\/.*$/, '')), path: 'lan' }
}

/**
 * Runs the joiner's side of one LAN pairing against `initiator`, which must
 * already wait with `words`. Resolves when BOTH registries hold the pairing
 * (the joiner committed and the initiator confirmed), with the timeline.
 */
export async function lanPair(joiner: TestDevice, joinerName: string, initiator: TestDevice, words: string[], timeline: Timeline, timeoutMs = 20_000): Promise<void> {
  const svc = internals(joiner)
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
  timeline.submit = performance.now()
  const { entropy } = parseCodeOrThrow(words.join(' '))
  await raceJoin({
    node: svc.node,
    entropy,
    identity: { privateKey: svc.privateKey, peerId: svc.peerId },
    device: deviceInfoOf(joiner, joinerName),
    commit: async (o) => {
      timeline.joinerCommitStart = performance.now()
      await commitLikeService(joiner, o)
      timeline.joinerCommitEnd = performance.now()
    },
    progress: (p) => {
      if (p.step === 'verifying') timeline.verifying = performance.now()
      if (p.step === 'committing') timeline.committing = performance.now()
    },
    timeoutMs,
    lanWaitMs: timeoutMs,
    useDht: false,
    lan: { query: () => undefined, known: () => [candidate], subscribe: () => () => undefined }
  })
  timeline.joined = performance.now()
  entropy.fill(0)
  await initiatorPaired
  timeline.initiatorPaired ??= performance.now()
}

/** Splits one timeline into phases, in ms. */
export function phasesOf(t: Required<Timeline>): Record<string, number> {
  const both = Math.max(t.joined, t.initiatorPaired)
  return {
    total: both - t.submit,
    beforeDial: t.dialStart - t.submit,
    dial: t.dialEnd - t.dialStart,
    helloToChallenge: t.verifying - t.dialEnd,
    responseToComplete: t.committing - t.verifying,
    joinerCommit: t.joinerCommitEnd - t.joinerCommitStart,
    ackToConfirmed: both - t.joinerCommitEnd,
    dbInitiatorPending: t.initiatorPendingEnd - t.initiatorPendingStart,
    dbInitiatorConfirm: t.initiatorConfirmEnd - t.initiatorConfirmStart,
    dbAll: t.initiatorPendingEnd - t.initiatorPendingStart + (t.joinerCommitEnd - t.joinerCommitStart) + (t.initiatorConfirmEnd - t.initiatorConfirmStart)
  }
}
