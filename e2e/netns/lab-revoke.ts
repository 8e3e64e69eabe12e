// The revoke-between-running-daemons steps both NAT lab files take
// (nat-pairing.test.ts through a lab node, nat-public.test.ts over the public
// network): wait for the daemons, see whether they met, then wait for B's
// daemon to hear A's revoke. Starting the daemons and running `pairwise revoke`
// stay in each file, since their arguments and checks differ.
import type { Cli, Line } from './lab-cli.ts'

/**
 * Waits for both daemons' "ready" lines, then at most `presenceMs` for A's daemon to see `peerName` online.
 * The answer is a figure, not a requirement: a revoke is delivered whenever B is reached.
 */
export async function daemonsReadyAndMet(
  daemonA: Cli,
  daemonB: Cli,
  peerName: string,
  limits: { daemonReady: number; presence: number }
): Promise<boolean> {
  await Promise.all(
    [daemonA, daemonB].map((d) => d.waitFor('"ready" line', (l) => l.type === 'ready', limits.daemonReady))
  )
  return daemonA
    .waitFor('B online', (l) => l.type === 'presence' && l.name === peerName && l.online === true, limits.presence)
    .then(
      () => true,
      () => false
    )
}

/** B's daemon reports that A removed it; when it does not, the error carries A's daemon's transcript too. */
export function removedByPeer(daemonB: Cli, daemonA: Cli, ms: number): Promise<Line> {
  return daemonB
    .waitFor('"removed-by-peer" event', (l) => l.type === 'removed-by-peer', ms)
    .catch((err: Error) => {
      throw new Error(`${err.message}\n${daemonA.transcript()}`)
    })
}
