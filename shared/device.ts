import { z } from 'zod'

// What one device tells the other about itself during pairing. Every field is
// capped: it is read from the network before we know who sent it.
export const MAX_DEVICE_NAME = 64
export const MAX_ADDRESSES = 16
export const MAX_ADDRESS_LENGTH = 256

export const DeviceInfoSchema = z.strictObject({
  name: z.string().trim().min(1).max(MAX_DEVICE_NAME),
  os: z.string().min(1).max(32),
  appVersion: z.string().min(1).max(32),
  addresses: z.array(z.string().min(1).max(MAX_ADDRESS_LENGTH)).max(MAX_ADDRESSES)
})
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>

/** A libp2p peer id in its base58btc text form (Ed25519 identity keys: "12D3KooW…"). */
export const PeerIdTextSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{46,60}$/, 'not a peer id')
