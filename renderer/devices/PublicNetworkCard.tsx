import { useEffect, useState } from 'react'
import type { PublicNetworkView } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'
import { shownError, type ShownError } from '../common/shown-error.ts'

// Settings: the switch for the public libp2p network, the rendezvous that
// lets devices on different networks pair with nothing to host. The setting
// is kept across restarts; a run started with --no-public-network cannot use
// it until it is started without that flag.

type State = 'unavailable' | 'off' | 'connected' | 'connecting'

function stateOf(view: PublicNetworkView): State {
  if (!view.available) return 'unavailable'
  if (!view.enabled) return 'off'
  return view.connected ? 'connected' : 'connecting'
}

const STATUS: Record<State, string> = {
  unavailable: 'Unavailable: Pairwise was started with --no-public-network',
  off: 'Off: only this network and your Pairwise nodes',
  connected: 'Connected to the public network',
  connecting: 'Not connected: trying the public network’s bootstrap peers'
}

export function PublicNetworkCard() {
  const api = useApi()
  const [view, setView] = useState<PublicNetworkView | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ShownError | null>(null)

  useEffect(() => {
    let live = true
    api.getPublicNetwork({}).then(
      (v) => live && setView(v),
      (err: unknown) => live && setError(shownError(err))
    )
    const off = api.on('public-network-changed', setView)
    return () => {
      live = false
      off()
    }
  }, [api])

  const toggle = (enabled: boolean): void => {
    setBusy(true)
    setError(null)
    api
      .setPublicNetwork({ enabled })
      .then(setView, (err: unknown) => setError(shownError(err)))
      .finally(() => setBusy(false))
  }
  const state = view === null ? null : stateOf(view)

  return (
    <section className="public-network" aria-labelledby="heading-public-network">
      <h2 id="heading-public-network">Public network</h2>
      <label className="switch-row">
        <input
          type="checkbox"
          role="switch"
          className="switch"
          checked={view?.enabled ?? false}
          disabled={view === null || busy}
          onChange={(e) => toggle(e.target.checked)}
          data-testid="public-network-switch"
        />
        <span>Meet devices on other networks through the public libp2p network</span>
      </label>
      <p className="field-help">
        The IPFS network’s servers introduce your devices, with nothing for you to host. They see a random-looking key,
        this device’s addresses and when it is online, never the words (the README says exactly what).
      </p>
      {view !== null && state !== null && (
        <p className="public-network-status" data-testid="public-network-status" data-state={state}>
          <span className={state === 'connected' ? 'presence-dot online' : 'presence-dot'} aria-hidden="true" />
          {STATUS[state]}
          {state === 'unavailable' && view.enabled && ' (switched on: used at the next start without it)'}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} testId="public-network-error" />}
    </section>
  )
}
