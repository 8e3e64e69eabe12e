import { useEffect, useState, useSyncExternalStore } from 'react'
import type { ApiClient } from '../api/client.ts'
import { tokenRefused } from '../../shared/rpc/refusal.ts'
import { shownError } from '../common/shown-error.ts'
import { AccessRefused } from './AccessRefused.tsx'
import { ApiContext } from './api-context.ts'
import { Nav } from './Nav.tsx'
import { ReconnectBanner } from './ReconnectBanner.tsx'
import { StorageWarnings } from './StorageWarnings.tsx'
import { CodeAlarms } from '../alarms/CodeAlarms.tsx'
import { useServiceState } from './use-service-state.ts'
import { TABS, type TabId } from './tabs.ts'
import { recall, remember } from './tab-memory.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'
import { PairScreen } from '../pair/PairScreen.tsx'
import { JoinScreen, type OpenedLinkArrival } from '../join/JoinScreen.tsx'
import type { OpenedLinkSource } from './opened-links.ts'
import { DevicesScreen } from '../devices/DevicesScreen.tsx'

// A reload comes back to the tab it left (kept per browser tab, see tab-memory.ts).
const TAB_KEY = 'pairwise.tab'
function recallTab(): TabId {
  const kept = recall(TAB_KEY)
  return TABS.find((t) => t.id === kept)?.id ?? 'pair'
}

export function App({ client, links }: { client: ApiClient; links?: OpenedLinkSource }) {
  const connection = useSyncExternalStore(client.connection.subscribe, client.connection.get)
  const { state, loadError, reload, setThisDevice, applySession, upsertDevice } = useServiceState(
    client.api,
    connection
  )
  const [tab, setTab] = useState<TabId>(recallTab)
  useEffect(() => remember(TAB_KEY, tab), [tab])
  // An opened pairwise:// link shows the Enter code screen with its words filled in.
  const [opened, setOpened] = useState<OpenedLinkArrival | null>(null)
  useEffect(
    () =>
      links?.subscribe((link) => {
        setTab('join')
        setOpened((last) => ({ link, n: (last?.n ?? 0) + 1 }))
      }),
    [links]
  )

  // The service came back with a new token (restarted): the app cannot work from this page any more.
  if (connection === 'refused')
    return <AccessRefused error={shownError(tokenRefused())} onRetry={() => window.location.reload()} />

  // All three panels stay mounted (only hidden) so that typed words and a running join survive a tab switch.
  return (
    <ApiContext value={client.api}>
      <header className="app-header">
        <span className="app-name">Pairwise</span>
        <Nav current={tab} onSelect={setTab} />
      </header>
      <ReconnectBanner connection={connection} />
      <StorageWarnings warnings={state?.warnings} />
      <CodeAlarms kept={state?.alarms} />
      <main className="app-main">
        {state === null ? (
          loadError === null ? (
            <p className="loading" role="status">
              Loading…
            </p>
          ) : (
            <div className="panel">
              <ErrorNotice error={loadError} />
              <button type="button" className="button" onClick={reload}>
                Try again
              </button>
            </div>
          )
        ) : (
          <>
            <section id="panel-pair" className="panel" aria-labelledby="heading-pair" hidden={tab !== 'pair'}>
              <PairScreen session={state.session} applySession={applySession} />
            </section>
            <section id="panel-join" className="panel" aria-labelledby="heading-join" hidden={tab !== 'join'}>
              <JoinScreen
                shown={tab === 'join'}
                restoredJoin={state.join ?? null}
                onShowDevices={() => setTab('devices')}
                opened={opened}
              />
            </section>
            <section id="panel-devices" className="panel" aria-labelledby="heading-devices" hidden={tab !== 'devices'}>
              <DevicesScreen
                thisDevice={state.thisDevice}
                devices={state.devices}
                onThisDeviceChanged={setThisDevice}
                onDeviceChanged={upsertDevice}
                onPairDevice={() => setTab('pair')}
              />
            </section>
          </>
        )}
      </main>
    </ApiContext>
  )
}
