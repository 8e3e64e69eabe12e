import { z } from 'zod'
import { ERROR_CODES } from './errors.ts'
import { LocalDeviceNameSchema, PeerIdTextSchema } from './device.ts'
import { CODE_TTL_MAX_MINUTES, CODE_TTL_MIN_MINUTES } from './limits.ts'
import { DEVICE_STATUSES, SESSION_STATES } from './states.ts'

// The one contract between the engine and every front end. Electron IPC, the
// web UI's WebSocket and the CLI all call `PairingApi`; every call and every
// event that crosses a process boundary is parsed with these schemas on the
// receiving side: `unknown` in, typed out.

export const ErrorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  hint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional()
})

export const DeviceStatusSchema = z.enum(DEVICE_STATUSES)
export type { DeviceStatus, SessionState } from './states.ts'

export const DeviceViewSchema = z.object({
  peerId: PeerIdTextSchema,
  name: z.string(),
  os: z.string(),
  appVersion: z.string(),
  fingerprint: z.string(),
  pairedAt: z.number(),
  lastSeen: z.number().nullable(),
  online: z.boolean(),
  status: DeviceStatusSchema,
  revokedAt: z.number().nullable()
})
export type DeviceView = z.infer<typeof DeviceViewSchema>

export const SecretProtectionSchema = z.enum(['os-keystore', 'file-permissions', 'basic-text', 'memory'])

export const ThisDeviceSchema = z.object({
  peerId: PeerIdTextSchema,
  name: z.string(),
  os: z.string(),
  fingerprint: z.string(),
  secretProtection: SecretProtectionSchema,
  addresses: z.array(z.string())
})
export type ThisDevice = z.infer<typeof ThisDeviceSchema>

export const SessionStateSchema = z.enum(SESSION_STATES)

/** How a peer's connection reached this device: directly across networks, through a relay, or on the LAN. */
export const ArrivalPathSchema = z.enum(['direct', 'relay', 'lan'])
export type ArrivalPath = z.infer<typeof ArrivalPathSchema>

/** A device that proved the code, waiting for the person to Allow or Deny it (issue 12). */
export const PendingApprovalSchema = z.object({
  peerId: z.string(),
  name: z.string(),
  os: z.string(),
  fingerprint: z.string(),
  /** Six digits the joining device shows too: they match when both screens see the same exchange. */
  check: z.string(),
  /** When the question ends on its own, declined (ms since epoch). */
  deadline: z.number()
})
export type PendingApproval = z.infer<typeof PendingApprovalSchema>

/** How the last question about a joining device ended without a pairing. */
export const DeclinedJoinerSchema = z.object({
  peerId: z.string(),
  name: z.string(),
  /** denied: the person clicked Deny; timed-out: nobody answered; withdrawn: the joining device left. */
  reason: z.enum(['denied', 'timed-out', 'withdrawn']),
  at: z.number()
})
export type DeclinedJoiner = z.infer<typeof DeclinedJoinerSchema>

export const PairingSessionViewSchema = z.object({
  sessionId: z.string(),
  words: z.array(z.string()).length(12),
  link: z.string(),
  expiresAt: z.number(),
  ttlMs: z.number(),
  state: SessionStateSchema,
  failedAttempts: z.number().int(),
  /** Peers no longer answered after too many wrong codes. */
  blockedPeers: z.number().int(),
  /** The session ended ('failed') because too many wrong codes were tried: the code is burnt. */
  burnt: z.boolean(),
  /**
   * Connections and pairing streams from strangers turned away (evicted or answered "busy") during this
   * session: "Many devices are trying to connect; some were refused".
   */
  refused: z.number().int(),
  /** The joiner being verified or paired, once known. */
  joiner: z.object({ peerId: z.string(), name: z.string().optional() }).nullable(),
  advertisedTo: z.number().int(),
  /** How a joiner can reach this device: at a public address, only through a relay, or only on this LAN. */
  reach: z.enum(['public', 'relay', 'local']),
  /** The person is asked before a device pairs (Allow / Deny). Optional: older daemons do not say. */
  approve: z.boolean().optional(),
  /** The device waiting for Allow / Deny now (state 'approving'). */
  approval: PendingApprovalSchema.nullable().optional(),
  /** The last device that was not allowed (denied, unanswered, left), so the person knows what happened. */
  declined: DeclinedJoinerSchema.nullable().optional()
})
export type PairingSessionView = z.infer<typeof PairingSessionViewSchema>

export const DiscoveryPathSchema = z.enum(['lan', 'dht', 'public', 'stored'])
export type DiscoveryPath = z.infer<typeof DiscoveryPathSchema>

export const JoinStepSchema = z.enum([
  'searching',
  'found',
  'connecting',
  'verifying',
  'awaiting-approval',
  'committing',
  'paired',
  'failed'
])

const WordPositionSchema = z.number().int().min(1).max(12)

/**
 * A slip in the typed words that the joiner undid (shared/code/near-misses.ts). It names
 * positions and, for a misheard word, that one word (the progress message says it too), so a
 * front end can show the corrected code without the service sending the code back.
 */
export const CorrectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('swap'), positions: z.tuple([WordPositionSchema, WordPositionSchema]) }),
  z.object({ kind: z.literal('word'), position: WordPositionSchema, from: z.string().max(64), to: z.string().max(64) })
])

export const JoinProgressSchema = z.object({
  joinId: z.string(),
  step: JoinStepSchema,
  path: DiscoveryPathSchema.optional(),
  message: z.string(),
  /** With 'awaiting-approval': the six digits the other device shows too, and when it stops waiting. */
  check: z.string().optional(),
  deadline: z.number().optional(),
  /** With 'found' after probing the close variants: what was wrong with the typed words. */
  correction: CorrectionSchema.optional(),
  at: z.number()
})
export type JoinProgress = z.infer<typeof JoinProgressSchema>

/** How many progress lines of a join the service keeps for a page that reloads meanwhile. */
export const JOIN_PROGRESS_KEPT = 100

/**
 * The service's last join, kept until the next one or until a front end dismisses it: a page
 * reloaded during a join (or after it) shows the outcome instead of a blank form whose words
 * would now fail as "used". It holds no words.
 */
export const JoinStatusSchema = z.object({
  joinId: z.string(),
  state: z.enum(['joining', 'paired', 'failed', 'cancelled']),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  progress: z.array(JoinProgressSchema).max(JOIN_PROGRESS_KEPT),
  device: DeviceViewSchema.nullable(),
  error: ErrorPayloadSchema.nullable()
})
export type JoinStatus = z.infer<typeof JoinStatusSchema>

export const MetricsSchema = z.object({
  sessionsStarted: z.number(),
  paired: z.number(),
  joinsFailed: z.record(z.string(), z.number()),
  codesExpired: z.number(),
  failedProofs: z.number(),
  /** Peers blocked by the per-peer cap on wrong codes, over all sessions. */
  peersBlocked: z.number(),
  /** Codes burnt by the per-session cap on wrong codes. */
  codesBurnt: z.number(),
  /** Connections and pairing streams from strangers turned away while a code was shown. */
  strangersRefused: z.number(),
  revocationsSent: z.number(),
  revocationsPending: z.number(),
  devices: z.record(z.string(), z.number())
})
export type Metrics = z.infer<typeof MetricsSchema>

/** Something about the data folder the person should know although the service runs (a rebuilt cache). */
export const StorageWarningSchema = z.object({ code: z.string().max(64), message: z.string(), file: z.string() })
export type StorageWarning = z.infer<typeof StorageWarningSchema>

export const CodeAlarmViewSchema = z.object({
  /** The device paired with that code. */
  device: DeviceViewSchema,
  /** Who else proved the code. */
  claimantPeerId: z.string(),
  /** How the claimant reached the initiator; absent when the initiator could not tell. */
  path: ArrivalPathSchema.optional(),
  secondsAfterPairing: z.number().int().nonnegative(),
  /** 'this-device': we showed the code and saw the claimant; 'paired-device': the other device told us. */
  seenBy: z.enum(['this-device', 'paired-device']),
  at: z.number()
})
export type CodeAlarmView = z.infer<typeof CodeAlarmViewSchema>

export const ServiceStateSchema = z.object({
  thisDevice: ThisDeviceSchema,
  session: PairingSessionViewSchema.nullable(),
  devices: z.array(DeviceViewSchema),
  /** Optional so older daemons still parse. */
  warnings: z.array(StorageWarningSchema).optional(),
  /** The last join and its outcome (see JoinStatusSchema); optional so older daemons still parse. */
  join: JoinStatusSchema.nullable().optional(),
  /** Overheard-code alarms not dismissed yet, oldest first: a page opened later still shows them. */
  alarms: z.array(CodeAlarmViewSchema).optional()
})
export type ServiceState = z.infer<typeof ServiceStateSchema>

/** A `pairwise node` this device uses to reach devices on other networks. */
export const NodeViewSchema = z.object({
  address: z.string(),
  peerId: z.string(),
  /** 'setting': added here and kept; 'startup': from --bootstrap or PAIRWISE_BOOTSTRAP for this run. */
  source: z.enum(['setting', 'startup']),
  connected: z.boolean(),
  /** This device holds a relay reservation there: devices elsewhere can reach it through the node. */
  relay: z.boolean()
})
export type NodeView = z.infer<typeof NodeViewSchema>

/** A node's address as `pairwise node` prints it: a multiaddr ending in /p2p/<peer id>. */
export const NodeAddressSchema = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(
    /^\/\S+\/p2p\/[1-9A-HJ-NP-Za-km-z]{46,60}$/,
    'not a node address: paste the --bootstrap value `pairwise node` printed'
  )

/** The public libp2p network as a rendezvous (the Amino DHT and its relays), and the person's switch for it. */
export const PublicNetworkViewSchema = z.object({
  /** False when this run has no public bootstrap list (started with --no-public-network): the switch waits for a restart. */
  available: z.boolean(),
  /** The person's setting, kept across restarts (default on). */
  enabled: z.boolean(),
  /** Connected to at least one public bootstrap peer now. */
  connected: z.boolean()
})
export type PublicNetworkView = z.infer<typeof PublicNetworkViewSchema>

const TtlMinutes = z.number().int().min(CODE_TTL_MIN_MINUTES).max(CODE_TTL_MAX_MINUTES)

/** Every method: its params schema and its result schema. */
export const METHODS = {
  getState: { params: z.object({}).strict(), result: ServiceStateSchema },
  startPairing: {
    /** `approve`: ask the person before a device that proved the code pairs (default: do not ask). */
    params: z.object({ ttlMinutes: TtlMinutes.optional(), approve: z.boolean().optional() }).strict(),
    result: PairingSessionViewSchema
  },
  /** Allow or Deny the device the current session asks about; false when that question is over. */
  answerApproval: {
    params: z.object({ peerId: PeerIdTextSchema, allow: z.boolean() }).strict(),
    result: z.object({ answered: z.boolean() })
  },
  cancelPairing: { params: z.object({}).strict(), result: z.object({ cancelled: z.boolean() }) },
  join: {
    params: z.object({ code: z.string().min(1).max(2000), joinId: z.string().max(64).optional() }).strict(),
    result: DeviceViewSchema
  },
  cancelJoin: { params: z.object({}).strict(), result: z.object({ cancelled: z.boolean() }) },
  /** Forgets the last join's outcome (the person cleared it or moved on); a running join is kept. */
  dismissJoin: { params: z.object({}).strict(), result: z.object({ dismissed: z.boolean() }) },
  /** The person read an overheard-code alarm: it is no longer shown on any page. */
  dismissAlarm: {
    params: z.object({ claimantPeerId: z.string().max(128), at: z.number() }).strict(),
    result: z.object({ dismissed: z.boolean() })
  },
  listDevices: {
    params: z.object({ includeRevoked: z.boolean().optional() }).strict(),
    result: z.array(DeviceViewSchema)
  },
  revokeDevice: { params: z.object({ peerId: PeerIdTextSchema }).strict(), result: DeviceViewSchema },
  /** Clears a device that removed this one from the list; nothing is sent (nothing is owed to it). */
  forgetDevice: {
    params: z.object({ peerId: PeerIdTextSchema }).strict(),
    result: z.object({ forgotten: z.boolean() })
  },
  renameDevice: {
    params: z.object({ name: LocalDeviceNameSchema }).strict(),
    result: ThisDeviceSchema
  },
  getMetrics: { params: z.object({}).strict(), result: MetricsSchema },
  listNodes: { params: z.object({}).strict(), result: z.array(NodeViewSchema) },
  addNode: { params: z.object({ address: NodeAddressSchema }).strict(), result: z.array(NodeViewSchema) },
  removeNode: { params: z.object({ address: z.string().max(256) }).strict(), result: z.array(NodeViewSchema) },
  getPublicNetwork: { params: z.object({}).strict(), result: PublicNetworkViewSchema },
  setPublicNetwork: { params: z.object({ enabled: z.boolean() }).strict(), result: PublicNetworkViewSchema }
} as const

export type MethodName = keyof typeof METHODS
export type MethodParams<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>
export type MethodResult<M extends MethodName> = z.infer<(typeof METHODS)[M]['result']>

export const EVENTS = {
  /** The current pairing session changed (state, attempts, joiner). */
  session: PairingSessionViewSchema.nullable(),
  'join-progress': JoinProgressSchema,
  /** A join started or ended (the last join as getState reports it, without its progress lines). */
  'join-status': JoinStatusSchema,
  'devices-changed': z.array(DeviceViewSchema),
  'attempt-failed': z.object({ failedAttempts: z.number().int(), blocked: z.boolean() }),
  paired: DeviceViewSchema,
  'removed-by-peer': DeviceViewSchema,
  /**
   * A paired device told us its new name (over the authenticated presence
   * exchange). Sent once per rename, so a front end can say "renamed from …"
   * once; the device list already carries the new name.
   */
  'device-renamed': z.object({ device: DeviceViewSchema, previousName: z.string() }),
  /** Nodes were added or removed, or one connected or disconnected. */
  'nodes-changed': z.array(NodeViewSchema),
  /**
   * Someone else proved a code after it paired (they know the words): "Someone else also had this code N
   * seconds after you paired". Raised by the initiator, and relayed to the joiner over presence.
   */
  'code-alarm': CodeAlarmViewSchema,
  /** The public network switch changed, or this device connected to or lost the public network. */
  'public-network-changed': PublicNetworkViewSchema
} as const

export type EventName = keyof typeof EVENTS
export type EventPayload<E extends EventName> = z.infer<(typeof EVENTS)[E]>

/** The whole API as a front end sees it: named methods plus a removable event subscription. */
export type PairingApi = {
  [M in MethodName]: (params: MethodParams<M>) => Promise<MethodResult<M>>
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

// Wire envelopes for transports that carry text (WebSocket) or structured
// clones (Electron IPC). Requests are matched to responses by id.
/** One call without a transport's request id: what every transport hands to main/rpc/dispatch.ts. */
export const CallRequestSchema = z.object({ method: z.string().max(64), params: z.unknown() }).strict()
export const RequestIdSchema = z.number().int().nonnegative()
export const RequestEnvelopeSchema = CallRequestSchema.extend({ id: RequestIdSchema }).strict()
export const ResponseEnvelopeSchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ id: z.number().int(), ok: z.literal(false), error: ErrorPayloadSchema }).strict()
])
export const EventEnvelopeSchema = z.object({ event: z.string().max(64), payload: z.unknown() }).strict()
export const ServerMessageSchema = z.union([ResponseEnvelopeSchema, EventEnvelopeSchema])

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name)
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENTS, name)
}
