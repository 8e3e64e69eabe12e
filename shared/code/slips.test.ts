import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  MAX_SHOWN_SLIPS,
  applyCorrection,
  editDistance,
  likelySlips,
  parseCode,
  phoneticKey,
  slipLabel
} from './index.ts'

// The suggestions a person sees when 12 real words do not fit together: the
// likeliest slips only, each said in words, each one click from a valid code.

const LEGAL = 'legal winner thank year wave sausage worth useful legal winner thank yellow'.split(' ')

const swapped = (words: readonly string[], i: number, j: number): string[] => {
  const w = [...words]
  ;[w[i - 1], w[j - 1]] = [words[j - 1]!, words[i - 1]!]
  return w
}

test('two swapped words: the swap itself is the first suggestion, and it gives back the code', () => {
  const typed = swapped(LEGAL, 3, 4)
  assert.equal(parseCode(typed.join(' ')).ok, false, 'this swap fails the checksum')
  const slips = likelySlips(typed)
  assert.equal(slips[0]!.label, 'Swap words 3 and 4')
  assert.deepEqual(slips[0]!.words, LEGAL)
  assert.deepEqual(slips[0]!.correction, { kind: 'swap', positions: [3, 4] })
})

test('a misheard word that is on the list is offered back as the word it sounds or looks like', () => {
  const typed = [...LEGAL]
  typed[3] = 'pear' // said "year"
  const slips = likelySlips(typed)
  const fix = slips.find((s) => s.label === 'Word 4: year (not pear)')
  assert.ok(fix !== undefined, slips.map((s) => s.label).join('; '))
  assert.deepEqual(fix.words, LEGAL)
})

test('a few suggestions at most, each a valid code and a plausible slip — never a checksum-only guess', () => {
  for (const typed of [swapped(LEGAL, 3, 4), LEGAL.map((w, i) => (i === 4 ? 'cave' : w))]) {
    const slips = likelySlips(typed)
    assert.ok(slips.length > 0 && slips.length <= MAX_SHOWN_SLIPS, `${slips.length} suggestions`)
    assert.equal(new Set(slips.map((s) => s.label)).size, slips.length, 'no suggestion twice')
    for (const slip of slips) {
      assert.ok(parseCode(slip.words.join(' ')).ok, `${slip.label} fits the checksum`)
      const changed = slip.words.flatMap((w, i) => (w === typed[i] ? [] : [i + 1]))
      if (slip.correction.kind === 'swap') {
        assert.deepEqual(changed, slip.correction.positions)
      } else {
        const { position, from, to } = slip.correction
        assert.deepEqual(changed, [position])
        assert.equal(from, typed[position - 1])
        assert.ok(editDistance(from, to) <= 2 || phoneticKey(from) === phoneticKey(to), `${from} → ${to} is a slip`)
      }
    }
  }
})

test('nothing to suggest for an incomplete code or two unknown words', () => {
  assert.deepEqual(likelySlips(LEGAL.slice(0, 11)), [])
  assert.deepEqual(likelySlips(LEGAL.map((w, i) => (i < 2 ? 'xyzzyq' : w))), [])
})

test('a correction the engine reports applies to the typed words as the suggestion would', () => {
  assert.deepEqual(applyCorrection(swapped(LEGAL, 3, 4), { kind: 'swap', positions: [3, 4] }), LEGAL)
  const typed = LEGAL.map((w, i) => (i === 6 ? 'north' : w))
  assert.deepEqual(applyCorrection(typed, { kind: 'word', position: 7, from: 'north', to: 'worth' }), LEGAL)
  assert.equal(slipLabel({ kind: 'word', position: 7, from: 'flor', to: 'floor' }), 'Word 7: floor (not flor)')
})
