import { verifyByPeerId } from '../identity/peer-key.ts'
import type { FramedChannel } from '../protocol/framing.ts'
import { decodeJson, encodeJson } from './wire.ts'
import { equalBytes, fromHex, toHex } from '../util/bytes.ts'
import type { DeviceRecord } from '../registry/types.ts'
import { READ_TIMEOUT_MS, type TrustContext } from './trust-context.ts'
import { revocationBytes, revocationMac, RevokeAckSchema, RevokeNoticeSchema, type RevokeNotice } from './messages.ts'

// Revocation takes effect locally at once (registry, gater, hang-up) and is
// then announced to the other device, now or at the next contact, until it
// acknowledges (P9). The notice carries a MAC under the pair key AND the
// revoker's signature: only the one device that shared this pairing can end it.

export async function buildNotice(ctx: TrustContext, record: DeviceRecord): Promise<RevokeNotice> {
  const at = record.revokedAt ?? Date.now()
  const pairKey = await ctx.trust.openPairKey(record)
  try {
    const mac = revocationMac(pairKey, ctx.localPeerId, record.peerId, at)
    const sig = await ctx.privateKey.sign(revocationBytes(ctx.localPeerId, record.peerId, at))
    return { t: 'revoke', at, mac: toHex(mac), sig: toHex(sig) }
  } finally {
    pairKey.fill(0)
  }
}

/**
 * Checks a notice that `remotePeerId` (as Noise authenticated it) sent us and
 * applies it. Returns true when the notice is genuine (applied now or before),
 * false when it proves nothing.
 */
export async function acceptNotice(ctx: TrustContext, notice: RevokeNotice, remotePeerId: string): Promise<boolean> {
  const record = ctx.trust.getDevice(remotePeerId)
  if (record === null) return false
  const pairKey = await ctx.trust.openPairKey(record)
  let macOk: boolean
  try {
    macOk = equalBytes(revocationMac(pairKey, remotePeerId, ctx.localPeerId, notice.at), fromHex(notice.mac))
  } finally {
    pairKey.fill(0)
  }
  if (!macOk) return false
  if (
    !(await verifyByPeerId(
      remotePeerId,
      revocationBytes(remotePeerId, ctx.localPeerId, notice.at),
      fromHex(notice.sig)
    ))
  )
    return false
  if (record.status === 'paired' || record.status === 'pending-confirmation') {
    ctx.trust.markRemovedByPeer(remotePeerId)
  }
  return true
}

/** Delivers our notice over a fresh revoke stream. Resolves true once the peer acknowledged. */
export async function sendRevocation(
  ctx: TrustContext,
  channel: FramedChannel,
  record: DeviceRecord
): Promise<boolean> {
  await channel.write(encodeJson(await buildNotice(ctx, record)))
  const ack = decodeJson(await channel.read(AbortSignal.timeout(READ_TIMEOUT_MS)), RevokeAckSchema)
  await channel.close()
  if (ack === undefined) return false
  ctx.trust.markRevocationDelivered(record.peerId)
  return true
}

/** The receiving end of `/pairwise/revoke/1.0.0`. */
export async function serveRevocation(ctx: TrustContext, channel: FramedChannel, remotePeerId: string): Promise<void> {
  const notice = decodeJson(await channel.read(AbortSignal.timeout(READ_TIMEOUT_MS)), RevokeNoticeSchema)
  if (notice === undefined) {
    channel.abort('malformed revocation notice')
    return
  }
  const genuine = await acceptNotice(ctx, notice, remotePeerId)
  // A peer that holds no pairing with us gets an ack too: there is nothing
  // left to revoke, and it can stop retrying.
  if (genuine || ctx.trust.getDevice(remotePeerId) === null) {
    await channel.write(encodeJson({ t: 'revoke-ack' }))
  }
  await channel.close()
}
