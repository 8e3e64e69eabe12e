// The states that cross process boundaries, each listed once: the API's zod enums, the engine's
// types and the registry's row checks are all derived from these arrays.

/** A paired device as this device's registry holds it. */
export const DEVICE_STATUSES = ['paired', 'pending-confirmation', 'revoked', 'removed-by-peer'] as const
export type DeviceStatus = (typeof DEVICE_STATUSES)[number]

/** The initiator's pairing session: waiting for a joiner, then one way it ended. */
export const SESSION_STATES = [
  'waiting',
  // A device proved the code and the person is asked to Allow or Deny it (issue 12); nothing is stored yet.
  'approving',
  'committing',
  'paired',
  'unconfirmed',
  'expired',
  'cancelled',
  'failed'
] as const
export type SessionState = (typeof SESSION_STATES)[number]
