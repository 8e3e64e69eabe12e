import { useEffect, useState } from 'react'
import { useApi } from '../app/api-context.ts'

/** Whether the service has stopped answering a peer that kept guessing, for the current session. */
export function useAttemptsBlocked(sessionId: string | null): boolean {
  const api = useApi()
  const [blocked, setBlocked] = useState<{ sessionId: string | null; blocked: boolean }>({ sessionId, blocked: false })
  useEffect(() => api.on('attempt-failed', (e) => setBlocked({ sessionId, blocked: e.blocked })), [api, sessionId])
  return blocked.sessionId === sessionId && blocked.blocked
}
