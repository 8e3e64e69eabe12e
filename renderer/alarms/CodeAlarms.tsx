import { useEffect, useState } from 'react'
import type { CodeAlarmView } from '../../shared/api.ts'
import { codeAlarmText } from '../../shared/format.ts'
import { useApi } from '../app/api-context.ts'

// The overheard-code alarm (issue 12): someone else proved a code after it
// paired. Shown on every tab until dismissed — the person may want to revoke.
export function CodeAlarms() {
  const api = useApi()
  const [alarms, setAlarms] = useState<CodeAlarmView[]>([])
  useEffect(() => api.on('code-alarm', (alarm) => setAlarms((list) => [...list, alarm].slice(-5))), [api])
  if (alarms.length === 0) return null
  return (
    <div className="banner-slot" role="alert">
      {alarms.map((alarm) => (
        <div
          className="banner banner-alarm"
          key={`${alarm.claimantPeerId}:${alarm.at}`}
          data-testid="code-alarm"
          data-seen-by={alarm.seenBy}
        >
          <p>{codeAlarmText(alarm)}</p>
          <button
            type="button"
            className="button"
            onClick={() => setAlarms((list) => list.filter((a) => a !== alarm))}
            data-testid="code-alarm-dismiss"
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  )
}
