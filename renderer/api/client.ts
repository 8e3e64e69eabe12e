import type { PairingApi } from '../../shared/api.ts'
import { PairwiseError } from '../../shared/errors.ts'
import { connectWebSocketApi } from '../../shared/rpc/ws-client.ts'
import { createConnectionStore } from './connection-store.ts'
import type { ConnectionStore } from './connection-store.ts'

export interface ApiClient {
  api: PairingApi
  connection: ConnectionStore
}

// Survives a reload of the tab (the token is gone from the address bar by then) and dies with it.
const TOKEN_KEY = 'pairwise.token'

/**
 * The daemon opens the page with `?token=…`. The token is taken out of the visible URL so that it
 * does not end up in screenshots, bookmarks or the history list.
 */
function takeToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl !== null) {
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
    try {
      window.sessionStorage.setItem(TOKEN_KEY, fromUrl)
    } catch {
      // Storage can be disabled; the page then just cannot be reloaded without the link.
    }
    return fromUrl
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

/** Electron's preload bridge when present, otherwise the daemon's WebSocket on the page's own host. */
export async function connectApi(): Promise<ApiClient> {
  const connection = createConnectionStore()
  const bridge = (window as Window & { pairwise?: PairingApi }).pairwise
  if (bridge !== undefined) return { api: bridge, connection }

  const token = takeToken()
  const url = `ws://${window.location.host}/api?token=${encodeURIComponent(token ?? '')}`
  try {
    const api = await connectWebSocketApi(url, { onConnectionChange: (state) => connection.set(state) })
    return { api, connection }
  } catch (err) {
    // The client asked the service why (shared/rpc/refusal.ts); with no token at all, say that.
    if (token !== null || !(err instanceof PairwiseError) || err.code !== 'token-refused') throw err
    throw new PairwiseError('token-refused', 'This page was opened without its access token.', {
      hint: 'Open the link that the Pairwise service printed when it started (it ends in ?token=…).'
    })
  }
}
