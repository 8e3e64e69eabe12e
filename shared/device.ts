import { z } from 'zod'
import { deviceNameProblem, MAX_DEVICE_NAME, normalizeDeviceName } from './device-name.ts'

export { MAX_DEVICE_NAME }

/**
 * A name as it arrives from the network: checked, never changed. Both devices
 * sign the device descriptions byte for byte, so rewriting one on receipt
 * would only break the signature; our own names are normalized where a
 * person types them (LocalDeviceNameSchema), so they always pass here.
 */
export const DeviceNameSchema = z.string().superRefine((name, ctx) => {
  const problem = deviceNameProblem(name)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})

/** A name a person typed (rename, --name): trimmed and put in NFC, then checked. */
export const LocalDeviceNameSchema = z
  .string()
  .max(MAX_DEVICE_NAME * 4)
  .transform(normalizeDeviceName)
  .pipe(DeviceNameSchema)

// What one device tells the other about itself during pairing. Every field is
// capped: it is read from the network before we know who sent it.
export const MAX_ADDRESSES = 16
export const MAX_ADDRESS_LENGTH = 256

export const DeviceInfoSchema = z.strictObject({
  name: DeviceNameSchema,
  os: z.string().min(1).max(32),
  appVersion: z.string().min(1).max(32),
  addresses: z.array(z.string().min(1).max(MAX_ADDRESS_LENGTH)).max(MAX_ADDRESSES)
})
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>

/** A libp2p peer id in its base58btc text form (Ed25519 identity keys: "12D3KooW…"). */
export const PeerIdTextSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{46,60}$/, 'not a peer id')
