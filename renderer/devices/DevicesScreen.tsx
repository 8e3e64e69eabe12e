import { useEffect, useState } from 'react'
import type { DeviceView, ThisDevice } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { useNow } from '../common/use-now.ts'
import { DeviceRow } from './DeviceRow.tsx'
import { RevokeDialog } from './RevokeDialog.tsx'
import { NodesCard } from './NodesCard.tsx'
import { PublicNetworkCard } from './PublicNetworkCard.tsx'
import { ThisDeviceCard } from './ThisDeviceCard.tsx'
import { sortDevices } from './format.ts'

interface Props {
  thisDevice: ThisDevice
  devices: readonly DeviceView[]
  onThisDeviceChanged: (device: ThisDevice) => void
  onDeviceChanged: (device: DeviceView) => void
  onPairDevice: () => void
}

export function DevicesScreen({ thisDevice, devices, onThisDeviceChanged, onDeviceChanged, onPairDevice }: Props) {
  const api = useApi()
  const now = useNow(30_000)
  const [revoking, setRevoking] = useState<DeviceView | null>(null)
  // A removal is not good news: it gets the warning colour, not the success one.
  const [news, setNews] = useState<{ text: string; tone: 'success' | 'warning' }>({ text: '', tone: 'success' })
  // "renamed from …" comes from the one device-renamed event per rename, so it is shown once:
  // on this screen until it is left or reloaded (the list itself already has the new name).
  const [renamedFrom, setRenamedFrom] = useState<ReadonlyMap<string, string>>(new Map())

  // The list itself is kept current by the app; these only say what just happened.
  useEffect(() => {
    const offs = [
      api.on('removed-by-peer', (d) =>
        setNews({ text: `${d.name} removed this device. The two no longer trust each other.`, tone: 'warning' })
      ),
      api.on('paired', (d) => setNews({ text: `Paired with ${d.name}.`, tone: 'success' })),
      api.on('device-renamed', ({ device, previousName }) => {
        setNews({ text: `${previousName} is now called ${device.name}.`, tone: 'success' })
        setRenamedFrom((map) => new Map(map).set(device.peerId, previousName))
      })
    ]
    return () => offs.forEach((off) => off())
  }, [api])

  return (
    <>
      <h1 id="heading-devices">Devices</h1>
      <ThisDeviceCard device={thisDevice} onChanged={onThisDeviceChanged} />

      <h2>Paired devices</h2>
      <p className={`news news-${news.tone}`} role="status" aria-live="polite" data-testid="devices-news">
        {news.text}
      </p>
      {devices.length === 0 ? (
        <div className="empty">
          <p>No paired devices yet</p>
          <button type="button" className="button primary" onClick={onPairDevice} data-testid="empty-pair-device">
            Pair device
          </button>
        </div>
      ) : (
        <ul className="device-list">
          {sortDevices(devices).map((device) => (
            <DeviceRow
              key={device.peerId}
              device={device}
              now={now}
              renamedFrom={renamedFrom.get(device.peerId)}
              onRevoke={setRevoking}
              onForget={(d) => void api.forgetDevice({ peerId: d.peerId }).catch(() => undefined)}
            />
          ))}
        </ul>
      )}
      <PublicNetworkCard />
      <NodesCard />
      <RevokeDialog
        device={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={(d) => {
          onDeviceChanged(d)
          setRevoking(null)
        }}
      />
    </>
  )
}
