import type { DeviceStatus } from './types.ts'

// Every way a paired device's status may change, as one table (like the
// protocol's session tables). The registry consults it inside the write
// transaction; a transition missing here is refused and nothing is written.
//
//   pair / pair-pending  a pairing completed (re-pairing needs a fresh code, so
//                        it is allowed from every status, revoked ones included)
//   confirm              the joiner's Ack or a presence check proved the pairing
//   drop-pending         the other side never committed (P7): the row goes
//   revoke               this person removed the device (P9)
//   forget               the person clears a device that removed us from the list
//   peer-removed         the other device proved it removed us; a device we had
//                        revoked first stays 'revoked' — that was this person's decision

export type DeviceEvent = 'pair' | 'pair-pending' | 'confirm' | 'drop-pending' | 'revoke' | 'peer-removed' | 'forget'

/** 'absent' stands for "no row": where a device starts and where a dropped pending pairing goes. */
export type StatusOrAbsent = DeviceStatus | 'absent'

const PAIRING = { pair: 'paired', 'pair-pending': 'pending-confirmation' } as const

export const DEVICE_STATUS_TRANSITIONS: Record<StatusOrAbsent, Partial<Record<DeviceEvent, StatusOrAbsent>>> = {
  absent: { ...PAIRING },
  paired: { ...PAIRING, revoke: 'revoked', 'peer-removed': 'removed-by-peer' },
  'pending-confirmation': {
    ...PAIRING,
    confirm: 'paired',
    'drop-pending': 'absent',
    revoke: 'revoked',
    'peer-removed': 'removed-by-peer'
  },
  revoked: { ...PAIRING, 'peer-removed': 'revoked' },
  // Nothing is owed to a device that removed us: the person may forget it (its row goes).
  'removed-by-peer': { ...PAIRING, forget: 'absent' }
}

/** The status after `event`, or undefined when the table does not allow it from `from`. */
export function nextDeviceStatus(from: StatusOrAbsent, event: DeviceEvent): StatusOrAbsent | undefined {
  return DEVICE_STATUS_TRANSITIONS[from][event]
}
