import type { ConnectionState } from '../../shared/rpc/ws-client.ts'

/** The transport's health, shaped for React's useSyncExternalStore. */
export interface ConnectionStore {
  get(): ConnectionState
  subscribe(listener: () => void): () => void
  set(state: ConnectionState): void
}

export function createConnectionStore(initial: ConnectionState = 'connected'): ConnectionStore {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    set(next) {
      if (next === state) return
      state = next
      for (const listener of [...listeners]) listener()
    }
  }
}
