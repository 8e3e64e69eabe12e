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
  // What is left to do with this device: revoke a trusted one; forget one that removed us; nothing once revoked.
  const action = trusted
    ? { label: 'Revoke', className: 'button danger-outline', testId: 'revoke-button', run: onRevoke }
    : device.status === 'removed-by-peer'
      ? { label: 'Forget', className: 'button', testId: 'forget-button', run: onForget }
      : undefined
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
      {action !== undefined && (
        <button
          type="button"
          className={action.className}
          onClick={() => action.run(device)}
          data-testid={action.testId}
          aria-label={`${action.label} ${device.name}`}
        >
          {action.label}
        </button>
      )}
    </li>
  )
}
