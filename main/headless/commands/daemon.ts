import type { EventName, EventPayload } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { CliOptions } from '../args.ts'
import { resolveDataDir } from '../backend.ts'
import { removeDaemonInfo, writeDaemonInfo } from '../daemon-file.ts'
import { onInterrupt } from '../interrupt.ts'
import type { Output } from '../output.ts'
import { codeAlarmText } from '../../../shared/format.ts'
import { describeDevice } from './device-format.ts'

// `pairwise daemon`: the service stays up (presence, revocation delivery,
// reconnection), serves its API to other `pairwise` commands on 127.0.0.1,
// and with --ui the web UI too. It logs what happens to devices; it never
// logs a pairing code (the 'session' event carries the words).

export async function runDaemon(options: CliOptions, out: Output): Promise<number> {
  const dataDir = resolveDataDir(options)
  const [{ startService }, { startControlServer }] = await Promise.all([
    import('../service-host.ts'),
    import('../control-server.ts')
  ])
  const staticDir = options.ui
    ? await (await import('../renderer-files.ts')).ensureRendererBuilt((t) => out.notice(t))
    : undefined
  const service = await startService(dataDir, options, out)
  let server: Awaited<ReturnType<typeof startControlServer>> | undefined
  try {
    server = await startControlServer({
      api: service,
      port: options.uiPort,
      ...(staticDir === undefined ? {} : { staticDir })
    })
    writeDaemonInfo(dataDir, { pid: process.pid, port: server.port, token: server.token })
  } catch (err) {
    await server?.close()
    await service.stop()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PairwiseError('invalid-argument', `Port ${options.uiPort} on 127.0.0.1 is already in use.`, {
        hint: 'Pick another --ui-port, or leave it out for a free one.'
      })
    }
    throw err
  }

  const unsubscribe = logEvents(service, out)
  const state = await service.getState({})
  out.event('ready', {
    pid: process.pid,
    peerId: service.peerId,
    multiaddrs: service.multiaddrs(),
    dataDir,
    ...(options.ui ? { url: server.url } : {})
  })
  out.text(
    `Pairwise daemon running as “${state.thisDevice.name}” (fingerprint ${state.thisDevice.fingerprint}), data in ${dataDir}.`
  )
  out.text(
    `Listening on:\n${service
      .multiaddrs()
      .map((a) => `  ${a}`)
      .join('\n')}`
  )
  if (options.ui) out.text(`Web UI (keep this link private, it contains the access token):\n  ${server.url}`)
  out.text('Other pairwise commands now use this daemon. Ctrl-C stops it.')

  const stopped = Promise.withResolvers<string>()
  onInterrupt((signal) => stopped.resolve(signal))
  const signal = await stopped.promise
  out.text(`Stopping (${signal})…`)
  for (const off of unsubscribe) off()
  removeDaemonInfo(dataDir)
  await server.close()
  await service.stop()
  out.result({ stopped: true }, 'Stopped.')
  return 0
}

function logEvents(
  service: { on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void },
  out: Output
): Array<() => void> {
  const online = new Map<string, boolean>()
  return [
    service.on('paired', (device) => out.event('paired', { device }, `Paired with ${describeDevice(device)}.`)),
    service.on('removed-by-peer', (device) =>
      out.event(
        'removed-by-peer',
        { device },
        `${describeDevice(device)} removed this device; it is no longer trusted.`
      )
    ),
    service.on('device-renamed', ({ device, previousName }) =>
      out.event(
        'device-renamed',
        { device, previousName },
        `${describeDevice(device)} was renamed from “${previousName}”.`
      )
    ),
    service.on('code-alarm', (alarm) => out.event('code-alarm', { alarm }, `Warning: ${codeAlarmText(alarm)}`)),
    service.on('attempt-failed', ({ failedAttempts, blocked }) =>
      out.event(
        'attempt-failed',
        { failedAttempts, blocked },
        `Someone tried a wrong code (${failedAttempts} so far)${blocked ? '; that device is no longer answered' : ''}.`
      )
    ),
    service.on('session', (session) => {
      // State only: the words stay on the screen that asked for them.
      if (session !== null)
        out.event('session', {
          sessionId: session.sessionId,
          state: session.state,
          failedAttempts: session.failedAttempts
        })
    }),
    service.on('devices-changed', (devices) => {
      for (const device of devices) {
        const was = online.get(device.peerId)
        online.set(device.peerId, device.online)
        if (was === undefined && !device.online) continue
        if (was !== device.online)
          out.event(
            'presence',
            { peerId: device.peerId, name: device.name, online: device.online },
            `${device.name} is ${device.online ? 'online' : 'offline'}.`
          )
      }
    })
  ]
}
