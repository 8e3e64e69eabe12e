import type { z } from 'zod'
import { timeoutSignal, type Clock } from './clock.ts'
import type { FramedChannel } from './framing.ts'
import { decodeMessage, encodeMessage, PROTOCOL_VERSION, type RefusalReason } from './messages.ts'

// Reading and refusing as both roles do it, so a deadline or a refusal means
// the same on either side of an exchange.

/** The next message as `schema` or a refusal; gives up after `ms` on `clock`, or when `parent` aborts. */
export async function readMessage<T extends z.ZodType>(
  channel: FramedChannel,
  schema: T,
  clock: Clock,
  ms: number,
  parent?: AbortSignal
): Promise<ReturnType<typeof decodeMessage<T>>> {
  const timeout = timeoutSignal(clock, ms, parent)
  try {
    return decodeMessage(await channel.read(timeout.signal), schema)
  } finally {
    timeout.dispose()
  }
}

/** Tells the other side why, then closes; never throws. */
export async function refuse(channel: FramedChannel, reason: RefusalReason): Promise<void> {
  try {
    await channel.write(encodeMessage({ t: 'refuse', reason, v: PROTOCOL_VERSION }))
  } catch {
    // The other side may already be gone; the refusal was a courtesy.
  }
  await channel.close()
}
