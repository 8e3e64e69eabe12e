// Errors reach the UI as PairwiseError from the WebSocket client, or as whatever survived
// Electron's structured clone from the preload bridge; both carry the same fields.
export interface ShownError {
  code: string
  message: string
  hint?: string
}

export function shownError(err: unknown): ShownError {
  if (typeof err === 'object' && err !== null) {
    const { code, message, hint } = err as Record<string, unknown>
    if (typeof message === 'string' && message !== '') {
      return {
        code: typeof code === 'string' ? code : 'internal',
        message,
        ...(typeof hint === 'string' && hint !== '' ? { hint } : {})
      }
    }
  }
  return {
    code: 'internal',
    message: 'Something went wrong inside Pairwise.',
    hint: 'Try again; if it keeps happening, restart the app.'
  }
}
