import type { z } from 'zod'

const decoder = new TextDecoder('utf-8', { fatal: true })

/** One frame body → a message of the expected shape, or undefined for anything else. */
export function decodeJson<T extends z.ZodType>(body: Uint8Array, schema: T): z.infer<T> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(decoder.decode(body)))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

export function encodeJson(message: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message))
}
