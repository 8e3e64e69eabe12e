import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describePaths, exhaustedError } from './join-messages.ts'

test('where a join looked is said in plain words, the counts kept in details', () => {
  assert.equal(
    describePaths(new Set(['lan', 'dht', 'stored']), { lan: 1, dht: 0, public: 0, stored: 2 }),
    'Looked on this network, across the internet (no Pairwise node answered) and at the addresses of devices paired before.'
  )
  const error = exhaustedError([], new Set(['dht']), { lan: 0, dht: 3, public: 0, stored: 0 })
  assert.equal(error.hint, 'Looked across the internet. Check the words, and that the other device still shows them.')
  assert.deepEqual(error.details, { paths: ['dht'], asked: { lan: 0, dht: 3, public: 0, stored: 0 } })
  assert.doesNotMatch(error.hint ?? '', /DHT|asked|Tried/)
})
