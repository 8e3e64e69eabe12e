// Ctrl-C (or SIGTERM) asks the running command to stop cleanly: cancel the
// code, stop the node, release the data folder. A second Ctrl-C means "now".
// A repeat within DUPLICATE_MS is the same keypress arriving twice — once
// from the terminal and once forwarded by bin/pairwise.mjs when it re-executed
// with another Node — and is not a second request.

const DUPLICATE_MS = 500

export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  let firstAt: number | undefined
  const listener = (signal: NodeJS.Signals): void => {
    const now = Date.now()
    if (firstAt !== undefined) {
      if (now - firstAt < DUPLICATE_MS) return
      process.exit(signal === 'SIGTERM' ? 143 : 130)
    }
    firstAt = now
    handler(signal)
  }
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
  }
}
