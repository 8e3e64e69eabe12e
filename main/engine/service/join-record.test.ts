import assert from 'node:assert/strict'
import { test } from 'node:test'
import { JOIN_PROGRESS_KEPT, JoinStatusSchema, type JoinStatus } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { ServiceEmitter } from './service-events.ts'
import { JoinRecord } from './join-record.ts'

function recorder() {
  const events = new ServiceEmitter()
  const announced: JoinStatus[] = []
  events.on('join-status', (s) => announced.push(s))
  return { record: new JoinRecord(events), announced }
}

test('the last join is kept with its progress and outcome until dismissed; a running one cannot be dismissed', () => {
  const { record, announced } = recorder()
  record.start('j1')
  for (let i = 0; i < JOIN_PROGRESS_KEPT + 20; i++)
    record.progress({ joinId: 'j1', step: 'searching', message: `line ${i}`, at: i })
  record.progress({ joinId: 'other', step: 'searching', message: 'not ours', at: 0 })
  assert.equal(record.dismiss(), false, 'a running join stays')
  const running = record.view()!
  assert.equal(running.state, 'joining')
  assert.equal(running.progress.length, JOIN_PROGRESS_KEPT)
  assert.equal(running.progress[0]?.message, 'line 0', 'the first line (where it looked) is kept')
  assert.equal(running.progress.at(-1)?.message, `line ${JOIN_PROGRESS_KEPT + 19}`)
  assert.ok(!running.progress.some((p) => p.message === 'not ours'))

  record.failed(
    'j1',
    new PairwiseError('code-expired', 'This code has expired.', { hint: 'Ask for a new code.' }),
    false
  )
  const failed = record.view()!
  assert.equal(failed.state, 'failed')
  assert.deepEqual(failed.error, {
    code: 'code-expired',
    message: 'This code has expired.',
    hint: 'Ask for a new code.'
  })
  assert.ok(JoinStatusSchema.safeParse(failed).success, 'what getState sends fits the contract')
  assert.deepEqual(
    announced.map((s) => s.state),
    ['joining', 'failed'],
    'start and end are announced'
  )

  assert.equal(record.dismiss(), true)
  assert.equal(record.view(), null)
})

test('a cancelled join is recorded as cancelled, not as a failure to show', () => {
  const { record } = recorder()
  record.start('j2')
  record.failed('j2', new PairwiseError('code-cancelled', 'Joining was cancelled.'), true)
  assert.equal(record.view()?.state, 'cancelled')
  assert.equal(record.view()?.error, null)
})
