import type { DeviceView, PairingSessionView } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { formatCountdown, formatMinutes } from '../../../shared/format.ts'
import { MINUTE_MS } from '../../../shared/limits.ts'
import type { CliOptions } from '../args.ts'
import { openBackend, type Backend } from '../backend.ts'
import { onInterrupt } from '../interrupt.ts'
import type { Output } from '../output.ts'
import { StatusLine } from '../status-line.ts'
import { describeDevice } from './device-format.ts'

// `pairwise pair`: show a code, wait for the joiner, exit 0 once both sides
// have stored the pairing. The words go to this terminal (or the --json
// stream) and nowhere else.

/** How long a pairing whose final Ack was lost is given to be confirmed by a presence check. */
const CONFIRM_WAIT_MS = 10_000
/** Past the expiry without an 'expired' event (e.g. a dropped daemon connection): ask once more, then give up. */
const EXPIRY_GRACE_MS = 5_000
/** At most this long the initiator waits for the joiner to hang up first (see joinerHungUp). */
const HANG_UP_WAIT_MS = 1_000

export async function runPair(options: CliOptions, out: Output): Promise<number> {
  const backend = await openBackend(options, out)
  try {
    return await pairWith(backend, options, out)
  } finally {
    await backend.close()
  }
}

type Settle = { ok: true; device: DeviceView } | { ok: false; error: PairwiseError }

async function pairWith(backend: Backend, options: CliOptions, out: Output): Promise<number> {
  const { api } = backend
  const status = new StatusLine()
  const done = Promise.withResolvers<Settle>()
  let session: PairingSessionView | undefined
  let settled = false
  let confirming = false
  const settle = (result: Settle): void => {
    if (settled) return
    settled = true
    done.resolve(result)
  }

  const render = (): void => {
    if (session === undefined || out.json || settled || (session.state !== 'waiting' && session.state !== 'committing'))
      return
    const left = session.expiresAt - Date.now()
    const { text, key } = statusText(session, left)
    status.set(text, key)
  }

  const confirmedDevice = async (peerId: string): Promise<DeviceView | undefined> => {
    const devices = await api.listDevices({ includeRevoked: true })
    return devices.find((d) => d.peerId === peerId && d.status === 'paired')
  }

  const onTerminal = async (view: PairingSessionView): Promise<void> => {
    const peerId = view.joiner?.peerId
    if (view.state === 'paired' && peerId !== undefined) {
      const device = (await api.listDevices({ includeRevoked: true })).find((d) => d.peerId === peerId)
      if (device !== undefined) return settle({ ok: true, device })
    }
    if ((view.state === 'unconfirmed' || view.state === 'paired') && peerId !== undefined) {
      if (confirming) return
      confirming = true
      status.log('The other device has not confirmed yet; checking with it…')
      for (const end = Date.now() + CONFIRM_WAIT_MS; Date.now() < end && !settled;) {
        const device = await confirmedDevice(peerId)
        if (device !== undefined) return settle({ ok: true, device })
        await new Promise((r) => setTimeout(r, 500))
      }
      return settle({
        ok: false,
        error: new PairwiseError('timed-out', 'The other device did not confirm the pairing.', {
          hint: 'It is kept as pending and settled at the next contact between the two devices (keep `pairwise daemon` running).'
        })
      })
    }
    settle({ ok: false, error: endedError(view.state) })
  }

  const unsubscribe = [
    api.on('session', (view) => {
      if (session === undefined || settled) return
      if (view === null || view.sessionId !== session.sessionId) {
        return settle({
          ok: false,
          error: new PairwiseError('code-cancelled', 'This code was replaced by a newer one started elsewhere.', {
            hint: 'Use the code shown there, or run `pairwise pair` again.'
          })
        })
      }
      const before = session
      session = view
      if (!out.json && view.joiner !== null && before.joiner?.peerId !== view.joiner.peerId)
        status.log(`A device is connecting (${shortPeer(view.joiner.peerId)})…`)
      out.event('progress', progressData(view))
      render()
      if (view.state !== 'waiting' && view.state !== 'committing')
        void onTerminal(view).catch((err: unknown) => settle({ ok: false, error: asPairwiseError(err) }))
    }),
    api.on('attempt-failed', ({ failedAttempts, blocked }) => {
      if (settled) return
      out.event('attempt-failed', { failedAttempts, blocked })
      if (!out.json)
        status.log(
          `Someone tried a wrong code (${failedAttempts} wrong attempt${failedAttempts === 1 ? '' : 's'} so far)${blocked ? '; that device is no longer answered' : ''}.`
        )
    })
  ]

  const stopInterrupt = onInterrupt(() => {
    status.log('Cancelling the code…')
    api
      .cancelPairing({})
      .catch(() => undefined)
      .finally(() => {
        // The 'cancelled' session event normally settles first; this covers a lost connection.
        setTimeout(() => settle({ ok: false, error: endedError('cancelled') }), 1_000).unref()
      })
  })

  let ticker: ReturnType<typeof setInterval> | undefined
  try {
    session = await api.startPairing(options.ttlMinutes === undefined ? {} : { ttlMinutes: options.ttlMinutes })
    // Ctrl-C while the node was starting: the code was never shown, so it must not stay valid either.
    if (settled) await api.cancelPairing({}).catch(() => undefined)
    else await showCode(session, backend, out)
    if (!settled && backend.via !== 'daemon' && !options.mdns && options.bootstrap.length === 0) {
      out.notice(
        'pairwise: with --no-mdns and no --bootstrap, only a device that already knows this one can join. ' +
          'Devices on another network need a Pairwise node both use (--bootstrap; see docs/running-a-node.md).'
      )
    }
    ticker = setInterval(() => {
      render()
      if (session !== undefined && Date.now() > session.expiresAt + EXPIRY_GRACE_MS) {
        void api.getState({}).then(
          (state) => {
            const current = state.session
            if (current === null || current.sessionId !== session?.sessionId)
              settle({ ok: false, error: endedError('cancelled') })
            else if (current.state !== 'waiting' && current.state !== 'committing') void onTerminal(current)
            else settle({ ok: false, error: endedError('expired') })
          },
          () => settle({ ok: false, error: endedError('expired') })
        )
      }
    }, 1_000)
    render()
    const result = await done.promise
    status.end()
    if (!result.ok) return out.fail(result.error)
    out.result({ device: result.device }, `Paired with ${describeDevice(result.device)}.`)
    if (backend.via === 'in-process') await joinerHungUp(backend, result.device.peerId)
    return 0
  } finally {
    clearInterval(ticker)
    stopInterrupt()
    for (const off of unsubscribe) off()
    status.end()
    // A daemon outlives this command: a code it still holds for us must not stay valid once we stop showing it.
    if (backend.via === 'daemon' && session !== undefined) await cancelIfStillOurs(backend, session.sessionId)
  }
}

async function cancelIfStillOurs(backend: Backend, sessionId: string): Promise<void> {
  try {
    const current = (await backend.api.getState({})).session
    if (current?.sessionId === sessionId && current.state === 'waiting') await backend.api.cancelPairing({})
  } catch {
    // The daemon is gone, and the code with it.
  }
}

/**
 * Lets the joiner close the connection before this process stops its node. When
 * both ends shut down at the same moment, libp2p on the joiner's side waits out
 * a 500 ms close timeout for a connection the other end has already reset; the
 * joiner's exit is the one people wait for (and the one that is benchmarked).
 */
async function joinerHungUp(backend: Backend, peerId: string): Promise<void> {
  const gone = Promise.withResolvers<void>()
  const off = backend.api.on('devices-changed', (devices) => {
    if (devices.some((d) => d.peerId === peerId && !d.online)) gone.resolve()
  })
  const timer = setTimeout(() => gone.resolve(), HANG_UP_WAIT_MS)
  try {
    await gone.promise
  } finally {
    clearTimeout(timer)
    off()
  }
}

async function showCode(session: PairingSessionView, backend: Backend, out: Output): Promise<void> {
  const addresses = await backend.addresses()
  if (out.json) {
    out.event('session', {
      sessionId: session.sessionId,
      words: session.words,
      link: session.link,
      expiresAt: session.expiresAt,
      ttlMs: session.ttlMs,
      multiaddrs: addresses,
      via: backend.via
    })
    return
  }
  const { default: QRCode } = await import('qrcode')
  const qr = await QRCode.toString(session.link, { type: 'terminal', small: true })
  out.text(`Pairing code — read these 12 words to the person at the other computer:\n\n${wordGrid(session.words)}\n`)
  out.text(`\nOr open this link there:\n  ${session.link}\n`)
  out.drawing(qr)
  out.text(`Not a wallet recovery phrase — it expires in ${formatMinutes(session.ttlMs)} and works once.`)
  out.text(`On the other computer run:  pairwise join\n`)
}

/** 3 columns of 4, numbered down each column, as the desktop app shows them. */
export function wordGrid(words: readonly string[]): string {
  const rows: string[] = []
  const width = Math.max(...words.map((w) => w.length)) + 2
  for (let r = 0; r < 4; r++) {
    const cells: string[] = []
    for (let c = 0; c < 3; c++) {
      const i = c * 4 + r
      const word = words[i]
      if (word !== undefined) cells.push(`${String(i + 1).padStart(2)}. ${word.padEnd(width)}`)
    }
    rows.push(`  ${cells.join('  ').trimEnd()}`)
  }
  return rows.join('\n')
}

const REACH_TEXT: Record<PairingSessionView['reach'], string> = {
  public: ' · reachable directly',
  relay: ' · reachable through a relay',
  local: ' · reachable on this network only'
}

function statusText(view: PairingSessionView, leftMs: number): { text: string; key: string } {
  let key: string
  if (view.state === 'committing')
    key = `Verified ${view.joiner?.name ?? shortPeer(view.joiner?.peerId ?? '')}; saving the pairing…`
  else if (view.joiner !== null) key = `A device is connecting (${shortPeer(view.joiner.peerId)})…`
  else key = 'Waiting for the other device…'
  if (view.advertisedTo > 0)
    key += ` · code published to ${view.advertisedTo} node${view.advertisedTo === 1 ? '' : 's'}`
  key += REACH_TEXT[view.reach]
  if (view.failedAttempts > 0)
    key += ` · ${view.failedAttempts} wrong-code attempt${view.failedAttempts === 1 ? '' : 's'}`
  // The whole-minute count is part of the key: a log gets a line per minute left, not per second.
  return { text: `${key} · ${formatCountdown(leftMs)} left`, key: `${key} ${Math.ceil(leftMs / MINUTE_MS)}` }
}

function progressData(view: PairingSessionView): Record<string, unknown> {
  return {
    state: view.state,
    failedAttempts: view.failedAttempts,
    advertisedTo: view.advertisedTo,
    reach: view.reach,
    joiner: view.joiner,
    secondsLeft: Math.max(0, Math.round((view.expiresAt - Date.now()) / 1000))
  }
}

function endedError(state: PairingSessionView['state']): PairwiseError {
  switch (state) {
    case 'expired':
      return new PairwiseError('code-expired', 'The code expired before another device joined.', {
        hint: 'Run `pairwise pair` again for a new code.'
      })
    case 'cancelled':
      return new PairwiseError('code-cancelled', 'Pairing was cancelled.', {
        hint: 'Run `pairwise pair` again when you are ready.'
      })
    default:
      return new PairwiseError('internal', 'Pairing failed while saving the other device.', {
        hint: 'Run `pairwise pair` again; if it keeps failing, check the data folder.'
      })
  }
}

function asPairwiseError(err: unknown): PairwiseError {
  return err instanceof PairwiseError
    ? err
    : new PairwiseError('internal', 'Pairing failed unexpectedly.', { cause: err })
}

export function shortPeer(peerId: string): string {
  return peerId.length > 16 ? `${peerId.slice(0, 8)}…${peerId.slice(-6)}` : peerId
}
