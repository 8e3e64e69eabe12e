import { useCallback, useEffect, useState } from 'react'
import type { DeviceView, PairingApi, PairingSessionView, ServiceState, ThisDevice } from '../../shared/api.ts'
import type { ConnectionState } from '../../shared/rpc/ws-client.ts'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'

export interface ServiceStateHandle {
  state: ServiceState | null
  loadError: ShownError | null
  reload: () => void
  setThisDevice: (device: ThisDevice) => void
  upsertDevice: (device: DeviceView) => void
  /** Applies what a call returned, for a service that does not also send it as an event. */
  applySession: (update: (current: PairingSessionView | null) => PairingSessionView | null) => void
}

function upsert(devices: DeviceView[], device: DeviceView): DeviceView[] {
  const i = devices.findIndex((d) => d.peerId === device.peerId)
  if (i < 0) return [...devices, device]
  const next = [...devices]
  next[i] = device
  return next
}

/**
 * One copy of the service's state for the whole window, kept current by events, so that switching
 * tabs never loses a running session. After a reconnect it is fetched again: events sent while the
 * socket was down are lost.
 */
export function useServiceState(api: PairingApi, connection: ConnectionState): ServiceStateHandle {
  const [state, setState] = useState<ServiceState | null>(null)
  const [loadError, setLoadError] = useState<ShownError | null>(null)
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    const patch = (fn: (s: ServiceState) => ServiceState): void => setState((s) => (s === null ? s : fn(s)))
    const offs = [
      api.on('session', (session) => patch((s) => ({ ...s, session }))),
      api.on('devices-changed', (devices) => patch((s) => ({ ...s, devices }))),
      api.on('paired', (device) => patch((s) => ({ ...s, devices: upsert(s.devices, device) }))),
      api.on('removed-by-peer', (device) => patch((s) => ({ ...s, devices: upsert(s.devices, device) })))
    ]
    return () => offs.forEach((off) => off())
  }, [api])

  useEffect(() => {
    if (connection !== 'connected') return
    let live = true
    api.getState({}).then(
      (s) => {
        if (!live) return
        setState(s)
        setLoadError(null)
      },
      (err: unknown) => {
        if (live) setLoadError(shownError(err))
      }
    )
    return () => {
      live = false
    }
  }, [api, connection, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const setThisDevice = useCallback(
    (thisDevice: ThisDevice) => setState((s) => (s === null ? s : { ...s, thisDevice })),
    []
  )
  const applySession = useCallback(
    (update: (current: PairingSessionView | null) => PairingSessionView | null) =>
      setState((s) => (s === null ? s : { ...s, session: update(s.session) })),
    []
  )
  const upsertDevice = useCallback(
    (device: DeviceView) => setState((s) => (s === null ? s : { ...s, devices: upsert(s.devices, device) })),
    []
  )
  return { state, loadError, reload, setThisDevice, applySession, upsertDevice }
}
