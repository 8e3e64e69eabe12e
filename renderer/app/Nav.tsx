import { TABS } from './tabs.ts'
import type { TabId } from './tabs.ts'

export function Nav({ current, onSelect }: { current: TabId; onSelect: (tab: TabId) => void }) {
  return (
    <nav className="nav" aria-label="Sections">
      {TABS.map((tab) => (
        <button
          key={tab.id}
          type="button"
          className="nav-tab"
          data-testid={`tab-${tab.id}`}
          aria-current={tab.id === current ? 'page' : undefined}
          aria-controls={`panel-${tab.id}`}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </nav>
  )
}
