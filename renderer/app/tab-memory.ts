// What a reload of this tab must not lose, kept in sessionStorage: it belongs to
// this one browser tab, survives a reload, dies when the tab closes, and is
// never sent anywhere. Storage may be disabled or full; then a reload simply
// starts fresh.

export function recall(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key)
  } catch {
    return null
  }
}

export function remember(key: string, value: string): void {
  try {
    window.sessionStorage.setItem(key, value)
  } catch {
    // Not kept: only a reload loses it.
  }
}

export function forget(key: string): void {
  try {
    window.sessionStorage.removeItem(key)
  } catch {
    // Nothing was kept.
  }
}
