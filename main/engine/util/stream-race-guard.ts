// js-libp2p (3.x) can throw StreamStateError ("Cannot write to a stream that
// is closed") out of an event callback when a relayed connection closes while
// yamux still owes a window update — a race inside the library, thrown where no
// caller can catch it (seen in the NAT lab right after a successful join, as the
// process shut down). It concerns one stream that is already gone; it must not
// take the whole daemon, app or command down with it. Every other uncaught
// error still ends the process as Node would: printed, exit code 1.

export function isLibp2pStreamRace(err: unknown): boolean {
  return err instanceof Error && err.name === 'StreamStateError'
}

/** Installs the guard once per process; `onRace` hears each swallowed race (for a debug log). */
export function guardAgainstStreamRaces(onRace: (err: Error) => void = () => undefined): void {
  if (installed) return
  installed = true
  process.on('uncaughtException', (err) => {
    if (isLibp2pStreamRace(err)) return onRace(err)
    process.stderr.write(`${err.stack ?? String(err)}\n`)
    process.exit(1)
  })
}

let installed = false
