import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { eventually, PollTimeoutError } from './eventually.ts'

describe('eventually', () => {
  it('returns the first answer that is not false, null or undefined', async () => {
    const answers = [undefined, null, false, 0, 7]
    let calls = 0
    assert.equal(await eventually('an answer', () => answers[calls++], { intervalMs: 1 }), 0)
    assert.equal(calls, 4)
  })

  it('gives up after maxChecks checks, naming what it waited for', async () => {
    let calls = 0
    const waiting = eventually('the moon', () => (calls++, false), { timeoutMs: 60_000, intervalMs: 1, maxChecks: 3 })
    const namesTheMoon = (err: Error) => err instanceof PollTimeoutError && /3 checks.*the moon/.test(err.message)
    await assert.rejects(waiting, namesTheMoon)
    assert.equal(calls, 3)
  })

  it('gives up after timeoutMs, describing the state at that moment', async () => {
    let calls = 0
    const started = Date.now()
    const limits = { timeoutMs: 60, intervalMs: 10, maxChecks: 1000 }
    const waiting = eventually(
      () => `the moon after ${calls} checks`,
      () => (calls++, false),
      limits
    )
    const describesTheEnd = (err: Error) =>
      err instanceof PollTimeoutError && err.message.endsWith(`after ${calls} checks`)
    await assert.rejects(waiting, describesTheEnd)
    assert.ok(Date.now() - started >= 60)
    assert.ok(calls >= 2 && calls <= 10, `${calls} checks in 60 ms at 10 ms intervals`)
  })

  it('ends the wait when the check throws', async () => {
    await assert.rejects(
      eventually('anything', () => {
        throw new Error('exited')
      }),
      /exited/
    )
  })
})
