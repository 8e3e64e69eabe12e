export type TabId = 'pair' | 'join' | 'devices'

export const TABS: readonly { id: TabId; label: string }[] = [
  { id: 'pair', label: 'Pair device' },
  { id: 'join', label: 'Enter code' },
  { id: 'devices', label: 'Devices' }
]
