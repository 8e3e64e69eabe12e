const BASE_MS = 250
const MAX_MS = 5_000

/** Exponential with jitter, so that many windows do not all knock on a restarted service at once. */
export function nextDelay(attempt: number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** attempt)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}
