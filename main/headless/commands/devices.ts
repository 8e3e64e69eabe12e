import type { DeviceView, Metrics } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { CliOptions } from '../args.ts'
import { openBackend, type Backend } from '../backend.ts'
import type { Output } from '../output.ts'
import { deviceTable, describeDevice } from './device-format.ts'

// The short commands: one call each on whichever backend is available.

/** How long an in-process revoke waits to hand the notice over before leaving it to the next contact. */
const REVOCATION_WAIT_MS = 5_000

async function withBackend(
  options: CliOptions,
  out: Output,
  body: (backend: Backend) => Promise<number>,
  network = true
): Promise<number> {
  const backend = await openBackend(options, out, { network })
  try {
    return await body(backend)
  } finally {
    await backend.close()
  }
}

export function runDevices(options: CliOptions, out: Output): Promise<number> {
  return withBackend(
    options,
    out,
    async ({ api }) => {
      const devices = await api.listDevices({ includeRevoked: true })
      const state = await api.getState({})
      out.result(
        { thisDevice: state.thisDevice, devices },
        `This device: ${state.thisDevice.name} (fingerprint ${state.thisDevice.fingerprint})\n\n${deviceTable(devices)}`
      )
      return 0
    },
    false
  )
}

export function runRename(positionals: string[], options: CliOptions, out: Output): Promise<number> {
  const name = positionals.join(' ').trim()
  return withBackend(
    options,
    out,
    async ({ api, via }) => {
      const device = await api.renameDevice({ name })
      const reach =
        via === 'daemon'
          ? 'Paired devices online now learn it at once, the others at their next contact.'
          : 'Paired devices learn it at their next contact with this one (while `pairwise daemon` or the app runs).'
      out.result({ thisDevice: device, via }, `This device is now called “${device.name}”. ${reach}`)
      return 0
    },
    false
  )
}

export function runMetrics(options: CliOptions, out: Output): Promise<number> {
  return withBackend(
    options,
    out,
    async ({ api }) => {
      const metrics = await api.getMetrics({})
      out.result({ metrics }, metricsText(metrics))
      return 0
    },
    false
  )
}

export function runRevoke(positionals: string[], options: CliOptions, out: Output): Promise<number> {
  const query = positionals.join(' ').trim()
  return withBackend(options, out, async ({ api, via }) => {
    const devices = await api.listDevices({ includeRevoked: true })
    const target = pickDevice(devices, query)
    if (target.status === 'revoked') {
      out.result({ device: target }, `${describeDevice(target)} was already revoked.`)
      return 0
    }
    const pendingBefore = (await api.getMetrics({})).revocationsPending
    const device = await api.revokeDevice({ peerId: target.peerId })
    let delivered: boolean | null = null
    if (via === 'in-process') {
      // This process is about to stop; give the notice a moment to reach the other device now.
      delivered = false
      for (const end = Date.now() + REVOCATION_WAIT_MS; Date.now() < end;) {
        if ((await api.getMetrics({})).revocationsPending <= pendingBefore) {
          delivered = true
          break
        }
        await new Promise((r) => setTimeout(r, 250))
      }
    }
    const told =
      delivered === true
        ? 'It has been told.'
        : delivered === false
          ? 'It could not be reached now; it will be told at the next contact (`pairwise daemon` keeps trying).'
          : 'The daemon tells it now, or at the next contact.'
    out.result({ device, notified: delivered }, `Revoked ${describeDevice(device)}. ${told}`)
    return 0
  })
}

/**
 * A device by exact name (any case), else by peer id prefix. Revoked devices
 * are matched only when nothing else is, so an old entry with the same name
 * does not make the live one ambiguous.
 */
export function pickDevice(devices: readonly DeviceView[], query: string): DeviceView {
  const lower = query.toLowerCase()
  const byName = devices.filter((d) => d.name.toLowerCase() === lower)
  const byPrefix = query.length >= 4 ? devices.filter((d) => d.peerId.startsWith(query)) : []
  for (const candidates of [byName, byPrefix]) {
    const live = candidates.filter((d) => d.status !== 'revoked')
    const pool = live.length > 0 ? live : candidates
    if (pool.length === 1) return pool[0]!
    if (pool.length > 1) {
      throw new PairwiseError(
        'invalid-argument',
        `“${query}” matches ${pool.length} devices: ${pool.map((d) => `${d.name} (${d.peerId.slice(0, 12)}…)`).join(', ')}.`,
        {
          hint: 'Give a longer peer id prefix to say which one (see `pairwise devices`).'
        }
      )
    }
  }
  const known =
    devices.length === 0
      ? 'There are no paired devices.'
      : `Known devices: ${devices.map((d) => `${d.name} (${d.peerId.slice(0, 12)}…)`).join(', ')}.`
  throw new PairwiseError('not-found', `No device is called “${query}” or has a peer id starting with it. ${known}`, {
    hint: 'Use the exact name or the start of the peer id shown by `pairwise devices`.'
  })
}

function metricsText(m: Metrics): string {
  const failed = Object.entries(m.joinsFailed)
  const devices = Object.entries(m.devices)
  return [
    `sessions started     ${m.sessionsStarted}`,
    `paired               ${m.paired}`,
    `codes expired        ${m.codesExpired}`,
    `failed proofs        ${m.failedProofs}`,
    `joins failed         ${failed.length === 0 ? 0 : failed.map(([reason, n]) => `${reason} ${n}`).join(', ')}`,
    `revocations sent     ${m.revocationsSent}`,
    `revocations pending  ${m.revocationsPending}`,
    `devices              ${devices.length === 0 ? 0 : devices.map(([status, n]) => `${status} ${n}`).join(', ')}`
  ].join('\n')
}
