import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'

test('importing zod-config turns off the parsers Zod compiles, and schemas built afterwards still parse', async () => {
  assert.notEqual(z.config().jitless, true, 'a fresh process compiles parsers (the default this module changes)')
  await import('./zod-config.ts')
  assert.equal(z.config().jitless, true)
  const schema = z.object({ name: z.string().min(1), n: z.number() })
  assert.deepEqual(schema.parse({ name: 'a', n: 1, extra: true }), { name: 'a', n: 1 })
  assert.equal(schema.safeParse({ name: '', n: 1 }).success, false)
})
