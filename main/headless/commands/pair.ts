import { stripVTControlCharacters } from 'node:util'
import type { DeviceView, PairingSessionView } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { codeAlarmText, formatCountdown, formatMinutes } from '../../../shared/format.ts'
import { MINUTE_MS } from '../../../shared/limits.ts'
import type { CliOptions } from '../args.ts'
import { openBackend, type Backend } from '../backend.ts'
import { onInterrupt } from '../interrupt.ts'
import type { Output } from '../output.ts'
import { StatusLine } from '../status-line.ts'
import { rowsOf, terminalSize, type TerminalSize } from '../terminal-fit.ts'
import { ApprovalPrompt, assertCanAsk, declinedText } from './approval-prompt.ts'
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
  if (options.approve) assertCanAsk()
  const prompt = new ApprovalPrompt(api)
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
    const { text, tail, key } = statusText(session, left)
    status.set(text, key, tail)
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
    settle({ ok: false, error: endedError(view.state, view.burnt) })
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
      if (view.approval != null && before.approval?.peerId !== view.approval.peerId) {
        status.end()
        out.event('approval', { approval: view.approval })
      }
      prompt.update(view.approval)
      if (view.declined != null && view.declined.at !== before.declined?.at) {
        out.event('declined', { declined: view.declined })
        if (!out.json) status.log(declinedText(view.declined))
      }
      render()
      if (view.state !== 'waiting' && view.state !== 'committing' && view.state !== 'approving')
        void onTerminal(view).catch((err: unknown) => settle({ ok: false, error: asPairwiseError(err) }))
    }),
    api.on('attempt-failed', ({ failedAttempts, blocked }) => {
      if (settled) return
      out.event('attempt-failed', { failedAttempts, blocked })
      if (!out.json)
        status.log(
          `Someone tried a wrong code (${failedAttempts} wrong attempt${failedAttempts === 1 ? '' : 's'} so far)${blocked ? '; that device is no longer answered' : ''}.`
        )
    }),
    api.on('code-alarm', (alarm) => {
      out.event('code-alarm', { alarm })
      if (!out.json) out.notice(`Warning: ${codeAlarmText(alarm)}`)
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
    session = await api.startPairing({
      ...(options.ttlMinutes === undefined ? {} : { ttlMinutes: options.ttlMinutes }),
      ...(options.approve ? { approve: true } : {})
    })
    // Ctrl-C while the node was starting: the code was never shown, so it must not stay valid either.
    if (settled) await api.cancelPairing({}).catch(() => undefined)
    else await showCode(session, backend, out, options.qr)
    // The public network is off for this run (--no-public-network) or by the person's setting (Settings).
    const publicNetwork = backend.via === 'daemon' ? undefined : await api.getPublicNetwork({}).catch(() => undefined)
    const noRendezvous =
      !options.mdns && options.bootstrap.length === 0 && !(publicNetwork?.available === true && publicNetwork.enabled)
    if (!settled && backend.via !== 'daemon' && noRendezvous) {
      out.notice(
        'pairwise: with --no-mdns, no --bootstrap and no public network, only a device that already knows this ' +
          'one can join. Devices on another network meet through the public network (leave out ' +
          '--no-public-network, and keep it switched on in Settings) or a Pairwise node both use (--bootstrap; ' +
          'see docs/running-a-node.md).'
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
            else if (current.state !== 'waiting' && current.state !== 'committing' && current.state !== 'approving')
              void onTerminal(current)
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
    prompt.close()
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
    if (current?.sessionId === sessionId && (current.state === 'waiting' || current.state === 'approving'))
      await backend.api.cancelPairing({})
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

async function showCode(
  session: PairingSessionView,
  backend: Backend,
  out: Output,
  qr: boolean | undefined
): Promise<void> {
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
  const size = terminalSize(process.stdout)
  const text = codeText(session, size)
  const code = await qrCode(session.link, qr, size, text)
  // The QR code comes first: if anything scrolls off a small terminal, it is the QR, never the words.
  // Drawn with colour escapes of our own: the one output that is not escaped for the terminal.
  if (code !== undefined) out.drawing(code)
  out.text(text)
  if (code === undefined && qr === undefined && size !== undefined)
    out.text('No QR code: this terminal is too small for it (--qr shows it anyway).\n')
}

/** The words, the link and what to do, sized for `size` (a link wider than the terminal starts at column 0). */
function codeText(session: PairingSessionView, size: TerminalSize | undefined): string {
  const indent = size !== undefined && session.link.length + 2 >= size.cols ? '' : '  '
  return [
    'Pairing code — read these 12 words to the person at the other computer:',
    '',
    wordGrid(session.words),
    '',
    'Or open this link there:',
    `${indent}${session.link}`,
    '',
    `Not a wallet recovery phrase — it expires in ${formatMinutes(session.ttlMs)} and works once.`,
    'On the other computer run:  pairwise join',
    ''
  ].join('\n')
}

/**
 * The QR code for the link: always with --qr, never with --no-qr; otherwise
 * when the terminal has room for it above the words, the link and the status
 * line (in a pipe there is no screen to overflow, so it is printed).
 */
async function qrCode(
  link: string,
  wanted: boolean | undefined,
  size: TerminalSize | undefined,
  below: string
): Promise<string | undefined> {
  if (wanted === false) return undefined
  const { default: QRCode } = await import('qrcode')
  const qr = (await QRCode.toString(link, { type: 'terminal', small: true })).replace(/\n+$/, '')
  if (wanted === true || size === undefined) return qr
  // Measured without its colour escapes (the terminal renderer draws with background colours).
  const plain = stripVTControlCharacters(qr)
  const width = Math.max(...plain.split('\n').map((line) => [...line].length))
  // +2: the status line under it all, and the row the cursor stays on.
  const fits = width < size.cols && rowsOf(plain, size.cols) + rowsOf(below, size.cols) + 2 <= size.rows
  if (fits) return qr
  return undefined
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

function statusText(view: PairingSessionView, leftMs: number): { text: string; tail: string; key: string } {
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
  if (view.refused > 0) key += ` · ${crowdText(view.refused)}`
  // The whole-minute count is part of the key: a log gets a line per minute left, not per second.
  // The countdown is the tail: on a narrow terminal the rest is cut, never the time left.
  return { text: key, tail: ` · ${formatCountdown(leftMs)} left`, key: `${key} ${Math.ceil(leftMs / MINUTE_MS)}` }
}

/** A flood of strangers, in words; the count is of connections and streams turned away this session. */
export function crowdText(refused: number): string {
  return `Many devices are trying to connect; some were refused (${refused} so far)`
}

function progressData(view: PairingSessionView): Record<string, unknown> {
  return {
    state: view.state,
    failedAttempts: view.failedAttempts,
    blockedPeers: view.blockedPeers,
    refused: view.refused,
    advertisedTo: view.advertisedTo,
    reach: view.reach,
    joiner: view.joiner,
    secondsLeft: Math.max(0, Math.round((view.expiresAt - Date.now()) / 1000))
  }
}

function endedError(state: PairingSessionView['state'], burnt = false): PairwiseError {
  if (burnt)
    return new PairwiseError('attempts-exceeded', 'Someone tried too many wrong codes; this code no longer works.', {
      hint: 'Run `pairwise pair` again for a new code, and read the words only to the person at the other device.'
    })
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
