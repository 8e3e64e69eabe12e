// Benchmark 1 — in-process pairing on the LAN path.
//
//   node --disable-warning=ExperimentalWarning bench/lan.ts [--runs 30] [--warmup 3]
//
// Each pairing uses two brand-new devices (fresh data folders, fresh
// identities, fresh code): the initiator a full PairingService, the joiner
// built from the engine's parts around raceJoin. So every one opens a new TCP
// connection, runs Noise, and does every real database commit on both sides.
// Phases come from public events only (see lib/lan-pairing.ts). The clock runs
// from "join submitted" (the words are handed to the engine) until BOTH
// registries hold the pairing: the joiner committed and the initiator
// confirmed after the Ack. See lib/lan-pairing.ts for why the joiner drives
// raceJoin with a LAN candidate instead of real mDNS.
//
// Then microbenchmarks split the cost: crypto alone, message codec alone,
// registry commits alone, the protocol over an in-memory pipe, and a bare
// libp2p TCP dial + Noise + stream on loopback.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { deriveCodeKeys, derivePairKey } from '../main/engine/code/derive.ts'
import { FileSecretStore } from '../main/engine/identity/file-secret-store.ts'
import { ephemeralIdentity } from '../main/engine/identity/identity.ts'
import { verifyByPeerId } from '../main/engine/identity/peer-key.ts'
import { PAIR_PROTOCOL } from '../main/engine/node/join-race.ts'
import { createNode } from '../main/engine/node/libp2p-node.ts'
import {
  ChallengeSchema,
  decodeMessage,
  encodeMessage,
  HelloSchema,
  ResponseSchema
} from '../main/engine/protocol/messages.ts'
import { deviceNamed, join as harnessJoin, makeInitiator } from '../test-support/engine/in-memory-pairing.ts'
import { initiatorProof, joinerProof, signedByJoiner, transcriptHash } from '../main/engine/protocol/transcript.ts'
import { toHex } from '../main/engine/util/bytes.ts'
import { Registry } from '../main/engine/registry/registry.ts'
import { LOOPBACK, startDevice } from '../test-support/engine/loopback-network.ts'
import { makeTempDir, removeTempDir } from '../test-support/temp-dirs.ts'
import { lanPair, pairedAt, phasesOf, startJoiner, watchInitiator, type Timeline } from './lib/lan-pairing.ts'
import { INCLUSIVE } from './lib/inclusive.ts'
import { printProfile, profileClockUs, Profiler, summarizeProfiles, type Window } from './lib/profile.ts'
import { flags, fmtMs, printTable, RESULTS_DIR, round, summarize, writeResult, type Summary } from './lib/stats.ts'

const opts = flags({ runs: 30, warmup: 3, micro: true, profile: false })
const profiler = opts.profile ? new Profiler() : undefined

export interface LanResult {
  runs: number
  failures: number
  total: Summary
  phases: Record<string, Summary>
  micro?: Record<string, unknown>
}

const windows: Window[][] = []
const timelines: Timeline[] = []

async function pairingsRun(): Promise<{
  totals: number[]
  phases: Record<string, number[]>
  failures: number
  errors: string[]
}> {
  const totals: number[] = []
  const phases: Record<string, number[]> = {}
  const errors: string[] = []
  let failures = 0
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const measured = i >= opts.warmup
    const a = await startDevice('Initiator')
    const b = await startJoiner('Joiner')
    const point = watchInitiator(a)
    try {
      const session = await a.service.startPairing({})
      const timeline = { submit: 0 } as Timeline
      point(timeline)
      if (measured) await profiler?.start()
      const cpu0 = process.cpuUsage()
      try {
        await lanPair(b, a, session.words, timeline)
        const cpu = process.cpuUsage(cpu0)
        if (measured) (phases.cpu ??= []).push((cpu.user + cpu.system) / 1000)
        if (measured && profiler !== undefined) {
          await profiler.stop()
          windows.push([{ from: timeline.submit, to: pairedAt(timeline) }])
          timelines.push(timeline)
        }
      } catch (err) {
        if (measured && profiler !== undefined) {
          await profiler.stop()
          windows.push([])
          timelines.push(timeline)
        }
        if (measured) {
          failures++
          errors.push(String(err))
        }
        continue
      }
      if (!measured) continue
      const p = phasesOf(timeline as Required<Timeline>)
      totals.push(p.total!)
      for (const [k, v] of Object.entries(p)) (phases[k] ??= []).push(v)
    } finally {
      point(undefined)
      await b.stop().catch(() => undefined)
      await a.stop().catch(() => undefined)
      removeTempDir(a.dataDir)
    }
  }
  return { totals, phases, failures, errors }
}

/** µs per call, after a warm-up, over `n` calls. */
async function perOp(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await fn()
  return round(((performance.now() - t0) * 1000) / n, 1)
}

async function micro(): Promise<Record<string, unknown>> {
  const entropy = randomBytes(16)
  const keys = deriveCodeKeys(entropy)
  const a = await ephemeralIdentity()
  const b = await ephemeralIdentity()
  const base = {
    version: 1,
    rendezvous: keys.rendezvous,
    initiatorPeerId: a.peerId,
    joinerPeerId: b.peerId,
    joinerNonce: randomBytes(32)
  }
  const full = {
    ...base,
    initiatorNonce: randomBytes(32),
    initiatorDevice: deviceNamed('A'),
    joinerDevice: deviceNamed('B'),
    joinerProof: randomBytes(32),
    initiatorProof: randomBytes(32)
  }
  const hash = transcriptHash(full)
  const sig = await b.privateKey.sign(signedByJoiner(hash))
  const storeDir = makeTempDir('bench-store')
  const store = FileSecretStore.open(storeDir)
  const cryptoUs = {
    deriveCodeKeys: await perOp(2000, () => deriveCodeKeys(entropy)),
    hmacProof: await perOp(5000, () => joinerProof(keys.authKey, base)),
    initiatorProof: await perOp(5000, () =>
      initiatorProof(keys.authKey, {
        ...base,
        initiatorNonce: full.initiatorNonce,
        initiatorDevice: full.initiatorDevice
      })
    ),
    transcriptHash: await perOp(5000, () => transcriptHash(full)),
    ed25519Sign: await perOp(2000, () => b.privateKey.sign(signedByJoiner(hash))),
    ed25519VerifyByPeerId: await perOp(2000, () => verifyByPeerId(b.peerId, signedByJoiner(hash), sig)),
    derivePairKey: await perOp(5000, () => derivePairKey(entropy, hash)),
    sealPairKey: await perOp(2000, () => store.seal(hash))
  }
  // What one pairing computes on its critical path (both sides, see joiner.ts / initiator.ts / join-race.ts):
  // joiner: deriveCodeKeys ×2 (raceJoin and runJoiner), proofJ, expected proofI, transcript hash, sign, verify, pair key, seal;
  // initiator: expected proofJ, proofI, transcript hash, verify, pair key, seal, sign.
  const cryptoPathUs =
    2 * cryptoUs.deriveCodeKeys +
    2 * cryptoUs.hmacProof +
    2 * cryptoUs.initiatorProof +
    2 * cryptoUs.transcriptHash +
    2 * cryptoUs.ed25519Sign +
    2 * cryptoUs.ed25519VerifyByPeerId +
    2 * cryptoUs.derivePairKey +
    2 * cryptoUs.sealPairKey

  const hello = encodeMessage({
    t: 'hello',
    v: 1,
    rendezvous: toHex(keys.rendezvous),
    nonce: toHex(randomBytes(32)),
    proof: toHex(randomBytes(32))
  })
  const challenge = encodeMessage({
    t: 'challenge',
    nonce: toHex(randomBytes(32)),
    device: deviceNamed('Alice'),
    proof: toHex(randomBytes(32))
  })
  const response = encodeMessage({
    t: 'response',
    device: deviceNamed('Bob'),
    reveal: toHex(randomBytes(32)),
    sig: toHex(randomBytes(64))
  })
  const codecUs = {
    decodeHello: await perOp(5000, () => decodeMessage(hello, HelloSchema)),
    decodeChallenge: await perOp(5000, () => decodeMessage(challenge, ChallengeSchema)),
    decodeResponse: await perOp(5000, () => decodeMessage(response, ResponseSchema))
  }

  // Registry commits alone (synchronous = FULL: each is an fsync of the WAL).
  const dir = makeTempDir('bench-reg')
  const registry = Registry.open(join(dir, 'pairwise.db'))
  const dbMs: Record<string, number[]> = { recordPaired: [], recordPending: [], confirm: [] }
  for (let i = 0; i < 40; i++) {
    const peer = (await ephemeralIdentity()).peerId
    const input = {
      peerId: peer,
      name: 'Bench',
      os: 'Linux',
      appVersion: '0.1.0',
      addresses: ['/ip4/127.0.0.1/tcp/4001'],
      pairKeySealed: randomBytes(60)
    }
    let t = performance.now()
    registry.recordPairing({ ...input, status: 'paired' })
    dbMs.recordPaired!.push(performance.now() - t)
    const peer2 = (await ephemeralIdentity()).peerId
    t = performance.now()
    registry.recordPairing({ ...input, peerId: peer2, status: 'pending-confirmation' })
    dbMs.recordPending!.push(performance.now() - t)
    t = performance.now()
    registry.confirmPairing(peer2)
    dbMs.confirm!.push(performance.now() - t)
  }
  registry.close()
  removeTempDir(dir)
  removeTempDir(storeDir)

  // The whole protocol over an in-memory pipe: messages, crypto, schema checks; no network, no database.
  const pipeMs: number[] = []
  for (let i = 0; i < 60; i++) {
    const init = await makeInitiator({ identity: a })
    const t = performance.now()
    await harnessJoin(init.responder, a.peerId, init.entropy, { identity: b })
    await init.session.ended
    if (i >= 10) pipeMs.push(performance.now() - t)
  }

  // A bare TCP dial + Noise + yamux on loopback with the engine's node config, then a stream on it.
  const listener = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: { ...LOOPBACK, bootstrap: [] },
    policy: { isRefused: () => false },
    inboundLimit: 1000
  })
  await listener.handle(PAIR_PROTOCOL, (stream) => void stream.close().catch(() => undefined))
  const dialer = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: { ...LOOPBACK, bootstrap: [] },
    policy: { isRefused: () => false },
    inboundLimit: 1000
  })
  const addr = listener.getMultiaddrs()[0]!
  const dialMs: number[] = []
  const streamMs: number[] = []
  for (let i = 0; i < 35; i++) {
    let t = performance.now()
    const conn = await dialer.dial(addr, { signal: AbortSignal.timeout(5000) })
    const dialed = performance.now() - t
    t = performance.now()
    const stream = await conn.newStream(PAIR_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const opened = performance.now() - t
    await stream.close().catch(() => undefined)
    await dialer.hangUp(listener.peerId)
    if (i >= 5) {
      dialMs.push(dialed)
      streamMs.push(opened)
    }
  }
  await dialer.stop()
  await listener.stop()

  return {
    cryptoUs,
    cryptoCriticalPathMs: round(cryptoPathUs / 1000, 3),
    codecUs,
    db: Object.fromEntries(Object.entries(dbMs).map(([k, v]) => [k, summarize(v)])),
    protocolInMemoryPipe: summarize(pipeMs),
    libp2pDialNoise: summarize(dialMs),
    libp2pNewStream: summarize(streamMs)
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  await profiler?.open()
  const { totals, phases, failures, errors } = await pairingsRun()
  const result: LanResult = {
    runs: opts.runs,
    failures,
    total: summarize(totals),
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, summarize(v)]))
  }
  console.log(
    `\nBenchmark 1 — in-process LAN pairing, ${totals.length}/${opts.runs} pairings succeeded (fresh devices and code each)`
  )
  printTable(
    ['phase', 'p50', 'p95', 'max'],
    [
      [
        'join submitted -> both registries committed',
        fmtMs(result.total.p50),
        fmtMs(result.total.p95),
        fmtMs(result.total.max)
      ],
      ...[
        ['  before dial (key derivation, candidate)', 'beforeDial'],
        ['  connect: TCP + Noise + yamux (joiner connection:open)', 'connect'],
        ['  protocol select + Hello -> initiator admits it', 'helloAdmitted'],
        ['  Challenge -> joiner verified the initiator', 'challengeVerified'],
        ['  Response -> initiator verified the joiner', 'responseVerified'],
        ['  initiator pending commit (seal + registry, to devices-changed)', 'initiatorPendingCommit'],
        ['  Complete -> joiner verified it', 'completeVerified'],
        ['  joiner commit (TrustStore.recordPairing)', 'joinerCommit'],
        ['  Ack -> initiator confirmed (incl. confirm commit)', 'ackToConfirmed'],
        ['process CPU time (user + system) during the pairing', 'cpu']
      ].map(([label, key]) => [
        label!,
        fmtMs(result.phases[key!]?.p50),
        fmtMs(result.phases[key!]?.p95),
        fmtMs(result.phases[key!]?.max)
      ])
    ]
  )
  if (errors.length > 0) console.log('failures:', errors.slice(0, 5))
  if (profiler !== undefined) {
    await profiler.close()
    const summary = summarizeProfiles(profiler.profiles, 25, windows, INCLUSIVE)
    printProfile(summary, 'CPU profile of the measured pairings (both sides, one thread)')
    profiler.saveOne(join(RESULTS_DIR, 'lan.cpuprofile'))
    if (process.env.BENCH_SAVE_PROFILES !== undefined)
      writeFileSync(
        process.env.BENCH_SAVE_PROFILES,
        JSON.stringify({ profiles: profiler.profiles, windows, timelines, hrOffsetUs: profileClockUs(0) })
      )
    ;(result as unknown as Record<string, unknown>).profile = summary
  }
  if (opts.micro) {
    result.micro = await micro()
    const m = result.micro as {
      cryptoCriticalPathMs: number
      protocolInMemoryPipe: Summary
      libp2pDialNoise: Summary
      libp2pNewStream: Summary
      db: Record<string, Summary>
      cryptoUs: Record<string, number>
      codecUs: Record<string, number>
    }
    console.log('\nMicrobenchmarks (p50)')
    printTable(
      ['piece', 'time'],
      [
        ['crypto on the critical path, both sides (sum of ops below)', fmtMs(m.cryptoCriticalPathMs)],
        ...Object.entries(m.cryptoUs).map(([k, v]) => [`  ${k}`, `${v} µs`]),
        ...Object.entries(m.codecUs).map(([k, v]) => [`  codec ${k} (JSON + zod)`, `${v} µs`]),
        ['registry recordPairing (paired), alone', fmtMs(m.db.recordPaired!.p50)],
        ['registry recordPairing (pending), alone', fmtMs(m.db.recordPending!.p50)],
        ['registry confirmPairing, alone', fmtMs(m.db.confirm!.p50)],
        ['protocol over in-memory pipe (no network, no DB)', fmtMs(m.protocolInMemoryPipe.p50)],
        ['bare libp2p dial: TCP + Noise + yamux', fmtMs(m.libp2pDialNoise.p50)],
        ['new stream on open connection (multistream-select)', fmtMs(m.libp2pNewStream.p50)]
      ]
    )
  }
  const file = writeResult('lan', {
    ...result,
    seconds: round((performance.now() - started) / 1000, 1)
  } as unknown as Record<string, unknown>)
  console.log(`\nwrote ${file}`)
}

await main()
process.exit(0)
