import { z } from 'zod'
import { DeviceInfoSchema } from '../../../shared/device.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { APPROVAL_TIMEOUT_MAX_MS } from '../../../shared/limits.ts'

export const PROTOCOL_VERSION = 1

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `expected ${bytes} bytes of hex`)

// Reasons an initiator may give when it refuses. They are public: a joiner with
// the wrong code learns only that the code was wrong, never anything about it.
export const REFUSAL_REASONS = [
  'no-device-waiting',
  'code-expired',
  'code-used',
  'code-cancelled',
  'wrong-code',
  'attempts-exceeded',
  'denied',
  'approval-timed-out',
  'version-mismatch',
  'busy',
  'protocol-error',
  'internal'
] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]

export const HelloSchema = z.strictObject({
  t: z.literal('hello'),
  v: z.number().int().min(0).max(255),
  rendezvous: hex(32),
  nonce: hex(32),
  proof: hex(32)
})
export const ChallengeSchema = z.strictObject({
  t: z.literal('challenge'),
  nonce: hex(32),
  device: DeviceInfoSchema,
  proof: hex(32)
})
// `reveal` opens the commitment the joiner's Hello nonce is (transcript.ts, checkCommitment): the
// check string both screens show depends on it, and the joiner fixed it before it saw the initiator's nonce.
export const ResponseSchema = z.strictObject({
  t: z.literal('response'),
  device: DeviceInfoSchema,
  reveal: hex(32),
  sig: hex(64)
})
/**
 * I→J, only when the initiator asks its person to Allow or Deny this joiner: wait up to `ms` for
 * Complete (or a refusal: denied, approval-timed-out, code-expired, code-cancelled).
 */
export const PendingSchema = z.strictObject({
  t: z.literal('pending'),
  ms: z.number().int().min(1).max(APPROVAL_TIMEOUT_MAX_MS)
})
export const CompleteSchema = z.strictObject({ t: z.literal('complete'), sig: hex(64) })
export const AckSchema = z.strictObject({ t: z.literal('ack') })
export const RefuseSchema = z.strictObject({
  t: z.literal('refuse'),
  reason: z.enum(REFUSAL_REASONS),
  v: z.number().int().optional()
})

export type Hello = z.infer<typeof HelloSchema>
export type Challenge = z.infer<typeof ChallengeSchema>
export type Response = z.infer<typeof ResponseSchema>
export type Complete = z.infer<typeof CompleteSchema>
export type Pending = z.infer<typeof PendingSchema>
export type Ack = z.infer<typeof AckSchema>
export type Refuse = z.infer<typeof RefuseSchema>
export type Message = Hello | Challenge | Response | Pending | Complete | Ack | Refuse

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeMessage(message: Message): Uint8Array {
  return encoder.encode(JSON.stringify(message))
}

/**
 * Decodes one frame body into the expected message, or a `refuse` that the
 * other side may always send instead. Anything else is a typed protocol error:
 * `unknown` in, typed out.
 */
export function decodeMessage<T extends z.ZodType>(body: Uint8Array, schema: T): z.infer<T> | Refuse {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(body))
  } catch {
    throw new PairwiseError('protocol-error', 'The other device sent a message that is not valid.')
  }
  const refusal = RefuseSchema.safeParse(value)
  if (refusal.success) return refusal.data
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new PairwiseError('protocol-error', 'The other device sent an unexpected or malformed message.', {
      details: { issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) }
    })
  }
  return parsed.data
}

export function isRefusal(message: unknown): message is Refuse {
  return typeof message === 'object' && message !== null && (message as { t?: unknown }).t === 'refuse'
}
