import { PairwiseError } from '../errors.ts'

// Why a WebSocket to the local Pairwise service did not open. A browser is
// never told (the failed upgrade is just an 'error' event), so the client asks
// the same address over plain HTTP, which the control server answers with a
// status (main/headless/control-server.ts): 401 the token is not accepted,
// 503 it serves as many pages as it allows; no answer at all means nothing
// listens there. The request carries the same token the socket did, to the
// same origin, so it tells the server nothing new.

export function cannotReach(): PairwiseError {
  return new PairwiseError('internal', 'Cannot reach the Pairwise service.', {
    hint: 'Check that Pairwise is running, then reload this page.'
  })
}

export function tokenRefused(): PairwiseError {
  return new PairwiseError('token-refused', "Pairwise is running, but it does not accept this page's access token.", {
    hint:
      'The token changes every time the Pairwise service starts, so a page or link from an earlier start stops ' +
      'working: open the link it printed at its latest start.'
  })
}

/** The refusal a socket to `wsUrl` met, asked again over HTTP. */
export async function whyRefused(wsUrl: string): Promise<PairwiseError> {
  let status: number
  try {
    const res = await fetch(wsUrl.replace(/^ws/, 'http'), {
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      signal: AbortSignal.timeout(5_000)
    })
    status = res.status
    await res.body?.cancel()
  } catch {
    return cannotReach()
  }
  if (status === 401) return tokenRefused()
  if (status === 503)
    return new PairwiseError('busy', 'Pairwise is running, but it already serves as many pages as it allows.', {
      hint: 'Close other Pairwise tabs, then reload this page.'
    })
  return new PairwiseError('internal', 'Pairwise is running, but it did not let this page connect.', {
    hint: 'Reload this page; if it repeats, restart Pairwise.'
  })
}
