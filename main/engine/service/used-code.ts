import { CODE_TTL_MAX_MS } from '../../../shared/limits.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { DeviceRecord } from '../registry/types.ts'

// "This code was already used to pair another device" is wrong when this device
// is the one that used it (the person typed the same code again, or a reloaded
// page or a second terminal retried it). The initiator only says "used"; the
// joiner knows which device said it. When that device paired with this one
// within a code's longest life, the code that paired them is very likely this
// one: a device rarely shows a second code to a device it has just paired with.

/** The refusal, reworded when the device that refused it paired with this one while the code could still live. */
export function explainUsedCode(
  error: PairwiseError,
  lookup: (peerId: string) => DeviceRecord | null,
  now: number = Date.now()
): PairwiseError {
  const peerId = error.details?.peerId
  if (error.code !== 'code-used' || typeof peerId !== 'string') return error
  const device = lookup(peerId)
  if (device === null || device.status !== 'paired' || now - device.pairedAt > CODE_TTL_MAX_MS) return error
  return new PairwiseError('code-used', `This code already paired this device with “${device.name}”.`, {
    hint: `Nothing more to do: “${device.name}” is already in this device's list. To pair with a different device, ask that device for a code of its own.`,
    details: { ...error.details, pairedWithThisDevice: true }
  })
}
