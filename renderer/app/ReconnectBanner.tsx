import type { ConnectionState } from '../../shared/rpc/ws-client.ts'

export function ReconnectBanner({ connection }: { connection: ConnectionState }) {
  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {connection === 'reconnecting' && (
        <p className="banner" data-testid="reconnecting-banner">
          Reconnecting to the Pairwise service…
        </p>
      )}
      {connection === 'closed' && (
        <p className="banner" data-testid="reconnecting-banner">
          Disconnected from the Pairwise service. Reload the page to connect again.
        </p>
      )}
    </div>
  )
}
