import { randomBytes } from 'node:crypto'
import { DeviceInfoSchema } from '../../../shared/device.ts'
import type { FramedChannel } from '../protocol/framing.ts'
import { equalBytes, fromHex, toHex } from '../util/bytes.ts'
import type { DeviceRecord } from '../registry/types.ts'
import { acceptNotice, buildNotice } from './revocation.ts'
import { READ_TIMEOUT_MS, type TrustContext } from './trust-context.ts'
import { decodeJson, encodeJson } from './wire.ts'
import {
  presenceReplyMac,
  presenceRequestMac,
  PresenceReplySchema,
  PresenceRequestSchema,
  RevokeAckSchema,
  type LocalStatus
} from './messages.ts'

// The presence check runs whenever two devices that know each other meet. It
// proves both still hold the pair key, refreshes last-seen and addresses, and
// settles what a lost final pairing message left behind (P7):
//   - we are pending and the peer proves the key  -> we confirm (its Ack was lost)
//   - the peer says it holds no pairing with us  -> we drop ours (its Complete was lost,
//     or it forgot us): never a one-sided pairing that lingers
// A device that revoked us answers with its revocation notice instead (P9).
// Both messages carry the sender's current name under the MAC, so a rename
// reaches every paired device at its next check (and contacts.ts checks at
// once after a rename); a name that breaks the device-name rules is ignored.

export type PresenceResult = 'online' | 'confirmed' | 'dropped' | 'removed-by-peer' | 'failed'

const statusOf = (record: DeviceRecord): LocalStatus | undefined =>
  record.status === 'paired' ? 'paired' : record.status === 'pending-confirmation' ? 'pending' : undefined

/** The side that opened the stream. */
export async function checkPresence(
  ctx: TrustContext,
  channel: FramedChannel,
  record: DeviceRecord
): Promise<PresenceResult> {
  const status = statusOf(record)
  if (status === undefined) return 'failed'
  const nonce = randomBytes(32)
  const pairKey = await ctx.trust.openPairKey(record)
  try {
    const name = ctx.localName()
    // An overheard-code alarm for this device rides along, under the MAC; delivered once the reply verifies.
    const alarm = ctx.alarms?.outgoing(record.peerId)
    const mac = presenceRequestMac(pairKey, ctx.localPeerId, record.peerId, nonce, status, name, alarm)
    const addrs = ctx.localAddresses()
    await channel.write(
      encodeJson({
        t: 'presence',
        nonce: toHex(nonce),
        status,
        name,
        addrs,
        ...(alarm === undefined ? {} : { alarm }),
        mac: toHex(mac)
      })
    )
    const reply = decodeJson(await channel.read(AbortSignal.timeout(READ_TIMEOUT_MS)), PresenceReplySchema)
    if (reply === undefined) return 'failed'
    switch (reply.t) {
      case 'unknown':
        await channel.close()
        return forget(ctx, record)
      case 'revoke': {
        const genuine = await acceptNotice(ctx, reply, record.peerId)
        if (genuine) await channel.write(encodeJson({ t: 'revoke-ack' }))
        await channel.close()
        return genuine ? 'removed-by-peer' : 'failed'
      }
      case 'presence-ok': {
        const expected = presenceReplyMac(
          pairKey,
          record.peerId,
          ctx.localPeerId,
          nonce,
          fromHex(reply.nonce),
          reply.status,
          reply.name
        )
        await channel.close()
        if (!equalBytes(expected, fromHex(reply.mac))) return 'failed'
        if (alarm !== undefined) ctx.alarms?.delivered(record.peerId, alarm)
        return settle(ctx, record, reply.addrs, reply.name)
      }
    }
  } finally {
    pairKey.fill(0)
  }
}

/** The side that received the stream. */
export async function servePresence(
  ctx: TrustContext,
  channel: FramedChannel,
  remotePeerId: string
): Promise<PresenceResult> {
  const request = decodeJson(await channel.read(AbortSignal.timeout(READ_TIMEOUT_MS)), PresenceRequestSchema)
  if (request === undefined) {
    channel.abort('malformed presence request')
    return 'failed'
  }
  const record = ctx.trust.getDevice(remotePeerId)
  if (record === null || record.status === 'removed-by-peer') {
    await channel.write(encodeJson({ t: 'unknown' }))
    await channel.close()
    return 'failed'
  }
  if (record.status === 'revoked') {
    // Delivery at next contact: the revoked device came to us.
    await channel.write(encodeJson(await buildNotice(ctx, record)))
    const ack = decodeJson(await channel.read(AbortSignal.timeout(READ_TIMEOUT_MS)), RevokeAckSchema)
    if (ack !== undefined) {
      ctx.trust.markRevocationDelivered(remotePeerId)
    }
    await channel.close()
    return 'failed'
  }
  const status = statusOf(record)!
  const pairKey = await ctx.trust.openPairKey(record)
  try {
    const requestNonce = fromHex(request.nonce)
    if (
      !equalBytes(
        presenceRequestMac(
          pairKey,
          remotePeerId,
          ctx.localPeerId,
          requestNonce,
          request.status,
          request.name,
          request.alarm
        ),
        fromHex(request.mac)
      )
    ) {
      // Same peer, different key: this pairing is not the one it holds.
      await channel.write(encodeJson({ t: 'unknown' }))
      await channel.close()
      return 'failed'
    }
    const nonce = randomBytes(32)
    const name = ctx.localName()
    const mac = presenceReplyMac(pairKey, ctx.localPeerId, remotePeerId, requestNonce, nonce, status, name)
    await channel.write(
      encodeJson({ t: 'presence-ok', nonce: toHex(nonce), status, name, addrs: ctx.localAddresses(), mac: toHex(mac) })
    )
    await channel.close()
    if (request.alarm !== undefined) ctx.alarms?.received(remotePeerId, request.alarm)
    return settle(ctx, record, request.addrs, request.name)
  } finally {
    pairKey.fill(0)
  }
}

/**
 * The exchange took a network round trip: the pairing it was about may have
 * been replaced meanwhile (a re-pairing with a fresh code). Only act on the
 * pairing that was actually proven or disowned.
 */
function unchanged(ctx: TrustContext, record: DeviceRecord): boolean {
  const now = ctx.trust.getDevice(record.peerId)
  return (
    now !== null &&
    now.status === record.status &&
    Buffer.from(now.pairKeySealed).equals(Buffer.from(record.pairKeySealed))
  )
}

function settle(ctx: TrustContext, record: DeviceRecord, addrs: string[], name: string): PresenceResult {
  if (!unchanged(ctx, record)) return 'failed'
  ctx.trust.updatePresence(record.peerId, { lastSeen: Date.now(), addresses: addrs })
  const valid = DeviceInfoSchema.shape.name.safeParse(name)
  // Only a name that is already in its normal form: the MAC covered these exact characters.
  if (valid.success && valid.data === name) ctx.trust.renamePeer(record.peerId, name)
  if (record.status === 'pending-confirmation') {
    ctx.trust.confirm(record.peerId)
    return 'confirmed'
  }
  return 'online'
}

function forget(ctx: TrustContext, record: DeviceRecord): PresenceResult {
  if (!unchanged(ctx, record)) return 'failed'
  if (record.status === 'pending-confirmation') {
    ctx.trust.dropPending(record.peerId, 'peer-does-not-know-pairing')
    return 'dropped'
  }
  ctx.trust.markRemovedByPeer(record.peerId)
  return 'removed-by-peer'
}
