import { useEffect, useState } from 'react'
import type { CodeAlarmView } from '../../shared/api.ts'
import { codeAlarmText } from '../../shared/format.ts'
import { useApi } from '../app/api-context.ts'

// The overheard-code alarm (issue 12): someone else proved a code after it
// paired. Shown on every tab until dismissed — the person may want to revoke.
// The service keeps the alarms until then, so a page opened or reloaded later
// still shows one raised while no page was looking.

const MAX_SHOWN = 8
const sameAlarm = (a: CodeAlarmView, b: CodeAlarmView): boolean =>
  a.claimantPeerId === b.claimantPeerId && a.at === b.at

function merged(list: readonly CodeAlarmView[], more: readonly CodeAlarmView[]): CodeAlarmView[] {
  const fresh = more.filter((alarm) => !list.some((known) => sameAlarm(known, alarm)))
  return [...list, ...fresh].slice(-MAX_SHOWN)
}

export function CodeAlarms({ kept }: { kept: readonly CodeAlarmView[] | undefined }) {
  const api = useApi()
  const [alarms, setAlarms] = useState<CodeAlarmView[]>([])
  useEffect(() => {
    if (kept !== undefined) setAlarms((list) => merged(kept, list))
  }, [kept])
  useEffect(() => api.on('code-alarm', (alarm) => setAlarms((list) => merged(list, [alarm]))), [api])
  const dismiss = (alarm: CodeAlarmView): void => {
    setAlarms((list) => list.filter((a) => !sameAlarm(a, alarm)))
    api
      .dismissAlarm({ claimantPeerId: alarm.claimantPeerId, at: alarm.at })
      .catch((err: unknown) => console.warn('Pairwise: dismissAlarm failed', err))
  }
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
          <button type="button" className="button" onClick={() => dismiss(alarm)} data-testid="code-alarm-dismiss">
            Dismiss
          </button>
        </div>
      ))}
    </div>
  )
}
