import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as scure from '@scure/bip39'
import { wordlist as english } from '@scure/bip39/wordlists/english.js'
import { checksumFits } from './checksum.ts'
import { WORDLIST, wordIndex } from './wordlist.ts'

// checksumFits is the fast check behind the near-miss search; the reference is @scure/bip39.

test('checksumFits agrees with @scure/bip39 on every single-word change of a code', () => {
  const code = 'legal winner thank year wave sausage worth useful legal winner thank yellow'.split(' ')
  let fits = 0
  for (const position of [3, 11]) {
    for (const candidate of WORDLIST) {
      const trial = [...code]
      trial[position] = candidate
      const expected = scure.validateMnemonic(trial.join(' '), english)
      assert.equal(checksumFits(trial.map((w) => wordIndex(w))), expected, `${position + 1} → ${candidate}`)
      if (expected) fits++
    }
  }
  // About 1 in 16 changes fit by chance (the 4-bit checksum): why they make no suggestion by themselves.
  assert.ok(fits > 2 * 2048 * 0.03 && fits < 2 * 2048 * 0.1, `${fits} of ${2 * 2048} fit`)
})
