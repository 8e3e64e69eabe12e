import type { DeviceView } from '../../shared/api.ts'
import { STATUS_TEXT, dateTime, presenceText, shortFingerprint } from './format.ts'

interface Props {
  device: DeviceView
  now: number
  /** The name this device had before the rename it just told us about. */
  renamedFrom?: string | undefined
  onRevoke: (device: DeviceView) => void
  /** Clears a device that removed this one: there is nothing left to revoke or to tell it. */
  onForget: (device: DeviceView) => void
}

export function DeviceRow({ device, now, renamedFrom, onRevoke, onForget }: Props) {
  const trusted = device.status === 'paired' || device.status === 'pending-confirmation'
  return (
    <li className={`device-row device-${device.status}`} data-testid="device-row" data-peer-id={device.peerId}>
      <div className="device-main">
        <p className="device-name">
          <span className={device.online && trusted ? 'presence-dot online' : 'presence-dot'} aria-hidden="true" />
          {device.name}
          <span className={`badge badge-${device.status}`} data-testid="device-status" data-status={device.status}>
            {STATUS_TEXT[device.status]}
          </span>
        </p>
        <p className="device-meta">
          {renamedFrom !== undefined && <span data-testid="device-renamed-from">renamed from {renamedFrom}</span>}
          <span>{device.os}</span>
          <span className="fingerprint" title={device.fingerprint}>
            {shortFingerprint(device.fingerprint)}
          </span>
          <span>Paired {dateTime(device.pairedAt)}</span>
          {device.status === 'revoked' && device.revokedAt !== null ? (
            <span>Revoked {dateTime(device.revokedAt)}</span>
          ) : (
            <span data-testid="device-presence">{presenceText(device, now)}</span>
          )}
        </p>
      </div>
      {device.status === 'removed-by-peer' && (
        <button
          type="button"
          className="button"
          onClick={() => onForget(device)}
          data-testid="forget-button"
          aria-label={`Forget ${device.name}`}
        >
          Forget
        </button>
      )}
      {trusted && (
        <button
          type="button"
          className="button danger-outline"
          onClick={() => onRevoke(device)}
          data-testid="revoke-button"
          aria-label={`Revoke ${device.name}`}
        >
          Revoke
        </button>
      )}
    </li>
  )
}
