import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatCountdown, formatMinutes } from './format.ts'
import { CODE_TTL_DEFAULT_MS, CODE_TTL_MAX_MS, CODE_TTL_MIN_MS } from './limits.ts'

test('formatCountdown shows m:ss, rounded up, never negative', () => {
  assert.equal(formatCountdown(CODE_TTL_MAX_MS), '10:00')
  assert.equal(formatCountdown(CODE_TTL_DEFAULT_MS), '5:00')
  assert.equal(formatCountdown(CODE_TTL_DEFAULT_MS - 1), '5:00')
  assert.equal(formatCountdown(CODE_TTL_DEFAULT_MS - 1000), '4:59')
  assert.equal(formatCountdown(61_000), '1:01')
  assert.equal(formatCountdown(9_001), '0:10')
  assert.equal(formatCountdown(1), '0:01') // one millisecond left is still not expired
  assert.equal(formatCountdown(0), '0:00')
  assert.equal(formatCountdown(-5_000), '0:00')
})

test('formatMinutes says a code lifetime in words', () => {
  assert.equal(formatMinutes(CODE_TTL_MIN_MS), '1 minute')
  assert.equal(formatMinutes(CODE_TTL_DEFAULT_MS), '5 minutes')
  assert.equal(formatMinutes(CODE_TTL_MAX_MS), '10 minutes')
  assert.equal(formatMinutes(0), '1 minute')
})
