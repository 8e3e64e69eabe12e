import type { z } from 'zod'
import { PairwiseError } from '../errors.ts'

// One error, with one text, per way a call can fail the contract. The server
// side (main/rpc/dispatch.ts) answers with these on every transport, and the
// WebSocket client uses the same invalidParams when it refuses a call before
// sending it — so a front end sees the same words whichever side caught it.

const SAME_VERSION = 'Make sure the app and the Pairwise service are the same version.'

/** The request is not `{ method, params }` (or a transport's frame around it could not be read). */
export function malformedRequest(): PairwiseError {
  return new PairwiseError('protocol-error', 'The request to Pairwise is malformed.', { hint: SAME_VERSION })
}

export function unknownMethod(method: string): PairwiseError {
  return new PairwiseError('protocol-error', `Pairwise has no method “${method}”.`, {
    hint: SAME_VERSION,
    details: { method }
  })
}

/** Lists each issue as `path: message` in the text (people read it) and as data in details (code reads it). */
export function invalidParams(method: string, issues: readonly z.core.$ZodIssue[]): PairwiseError {
  const listed = issues.map((issue) => ({ path: issue.path.map(String).join('.') || 'params', message: issue.message }))
  const text = listed.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
  const details = { issues: listed }
  return new PairwiseError('invalid-argument', `Invalid parameters for ${method}: ${text}`, { details })
}

/** The service answered with something outside the contract: a bug on our side, so none of it is passed on. */
export function brokenResult(method: string): PairwiseError {
  return new PairwiseError('internal', `Pairwise gave an invalid answer to ${method}.`, {
    hint: 'Try again; if it keeps happening, restart Pairwise.'
  })
}
