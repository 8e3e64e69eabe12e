import type { DeviceView, Metrics } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { CliOptions } from '../args.ts'
import { openBackend, type Backend } from '../backend.ts'
import type { Output } from '../output.ts'
import { deviceTable, describeDevice } from './device-format.ts'

// The short commands: one call each on whichever backend is available.

/** How long an in-process revoke waits to hand the notice over before leaving it to the next contact. */
const REVOCATION_WAIT_MS = 4_000
/** A daemon is usually connected already: it either delivers at once or keeps trying on its own. */
const DAEMON_WAIT_MS = 2_000

async function withBackend(
  options: CliOptions,
  out: Output,
  body: (backend: Backend) => Promise<number>,
  backendOptions: Parameters<typeof openBackend>[2] = {}
): Promise<number> {
  const backend = await openBackend(options, out, backendOptions)
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
    { network: false }
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
    { network: false }
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
    { network: false }
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
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true
    if (interactive && !options.yes && !(await confirm(`Revoke ${describeDevice(target)}?`))) {
      throw new PairwiseError('cancelled', 'Nothing was revoked.')
    }
    const pendingBefore = (await api.getMetrics({})).revocationsPending
    const device = await api.revokeDevice({ peerId: target.peerId })
    // Revoked here at once; telling the other device takes a round trip, so say so rather than sit silently.
    out.notice(`Revoked ${describeDevice(device)} here. Telling it…`)
    const delivered = await noticeDelivered(api, pendingBefore, via === 'daemon' ? DAEMON_WAIT_MS : REVOCATION_WAIT_MS)
    const told = delivered
      ? 'It has been told now.'
      : via === 'daemon'
        ? 'It could not be reached now; it will be told at the next contact (the daemon keeps trying).'
        : 'It could not be reached now; it will be told at the next contact (`pairwise daemon` keeps trying).'
    out.result({ device, notified: delivered }, `Revoked ${describeDevice(device)}. ${told}`)
    return 0
  })
}

/** Whether the notice left the outbox within `ms` (polled: the API has no delivery event). */
async function noticeDelivered(api: Backend['api'], pendingBefore: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if ((await api.getMetrics({})).revocationsPending <= pendingBefore) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

/** A y/N question on the terminal; anything but y or yes (or Ctrl-C, Ctrl-D) is no. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  const stopped = new Promise<string>((resolve) => {
    rl.once('SIGINT', () => resolve(''))
    rl.once('close', () => resolve(''))
  })
  try {
    const asked = rl.question(`${question} It will no longer be trusted. [y/N] `)
    asked.catch(() => undefined)
    const answer = await Promise.race([asked, stopped])
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}

/** Every Ed25519 peer id starts like this, so a prefix must go beyond it to say anything. */
const SHARED_PREFIX = '12D3KooW'
/** The prefix `pairwise devices` shows: the shared part plus 4 characters. */
const MIN_PREFIX = SHARED_PREFIX.length + 4

/**
 * A device by exact name (any case), else by peer id prefix. Revoked devices
 * are matched only when nothing else is, so an old entry with the same name
 * does not make the live one ambiguous.
 */
export function pickDevice(devices: readonly DeviceView[], query: string): DeviceView {
  const lower = query.toLowerCase()
  const byName = devices.filter((d) => d.name.toLowerCase() === lower)
  const byPrefix = devices.filter((d) => d.peerId.startsWith(query))
  const listed = (list: readonly DeviceView[]): string =>
    list.map((d) => `${d.name} (${d.peerId.slice(0, MIN_PREFIX)}…)`).join(', ')
  if (byName.length === 0 && byPrefix.length > 0 && query.length < MIN_PREFIX) {
    // "12D3KooW" matches every device: it must never pick one, even when only one is paired.
    throw new PairwiseError(
      'invalid-argument',
      `“${query}” is too short to say which device: it matches ${listed(byPrefix)}.`,
      {
        hint: `Give the name, or at least the first ${MIN_PREFIX} characters of the peer id (see \`pairwise devices\`).`
      }
    )
  }
  for (const [candidates, exact] of [
    [byName, true],
    [byPrefix, false]
  ] as const) {
    // A name picks the live device over an old revoked entry of the same name; a prefix must be unique outright.
    const live = exact ? candidates.filter((d) => d.status !== 'revoked') : []
    const pool = live.length > 0 ? live : candidates
    if (pool.length === 1) return pool[0]!
    if (pool.length > 1) {
      throw new PairwiseError('invalid-argument', `“${query}” matches ${pool.length} devices: ${listed(pool)}.`, {
        hint: 'Give a longer peer id prefix to say which one (see `pairwise devices`).'
      })
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
