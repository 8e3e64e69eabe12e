import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as scure from '@scure/bip39'
import { wordlist as english } from '@scure/bip39/wordlists/english.js'
import { PairwiseError } from '../errors.ts'
import {
  WORDLIST,
  completions,
  editDistance,
  entropyToWords,
  generateCode,
  isWord,
  parseCode,
  parseCodeOrThrow,
  suggestionsFor,
  toLink,
  wordsToEntropy
} from './index.ts'
import type { CodeError, ParsedCode } from './index.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
// The reference implementation, with the list passed as it comes from the package (not our copy).
const entropyToMnemonic = (entropy: string): string => scure.entropyToMnemonic(fromHex(entropy), english)
const mnemonicToEntropy = (mnemonic: string): string => hex(scure.mnemonicToEntropy(mnemonic, english))
const validateMnemonic = (mnemonic: string): boolean => scure.validateMnemonic(mnemonic, english)

// The 128-bit English entries of trezor/python-mnemonic vectors.json, copied by hand (not computed).
const TREZOR_128 = [
  [
    '00000000000000000000000000000000',
    'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
  ],
  ['7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f', 'legal winner thank year wave sausage worth useful legal winner thank yellow'],
  [
    '80808080808080808080808080808080',
    'letter advice cage absurd amount doctor acoustic avoid letter advice cage above'
  ],
  ['ffffffffffffffffffffffffffffffff', 'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong'],
  ['9e885d952ad362caeb4efe34a8e91bd2', 'ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic'],
  ['c0ba5a8e914111210f2bd131f3d5e08d', 'scheme spot photo card baby mountain device kick cradle pact join borrow'],
  ['23db8160a31d3e0dca3688ed941adbf3', 'cat swing flag economy stadium alone churn speed unique patch report train'],
  ['f30f8c1da665478f49b001d94c5fc452', 'vessel ladder alter error federal sibling chat ability sun glass valve picture']
] as const

const ZERO_CODE = TREZOR_128[0][1]
const ZERO_WORDS = ZERO_CODE.split(' ')
const LEGAL = TREZOR_128[1][1].split(' ')

function expectOk(parsed: ParsedCode): { words: string[]; entropy: Uint8Array } {
  if (!parsed.ok) assert.fail(`expected success, got ${parsed.error.code}: ${parsed.error.message}`)
  return parsed
}

function expectError(parsed: ParsedCode, code: CodeError['code']): CodeError {
  if (parsed.ok) assert.fail(`expected ${code}, got success`)
  assert.equal(parsed.error.code, code, parsed.error.message)
  assert.ok(parsed.error.message.length > 0)
  assert.ok(parsed.error.hint.length > 0)
  return parsed.error
}

function expectZeroCode(input: string): void {
  const parsed = expectOk(parseCode(input))
  assert.deepEqual(parsed.words, ZERO_WORDS, JSON.stringify(input))
  assert.equal(hex(parsed.entropy), '00'.repeat(16))
}

// --- BIP39 vectors -----------------------------------------------------------------------------

test('Trezor 128-bit vectors: @scure/bip39 agrees with the hand-copied expectations', () => {
  for (const [entropy, mnemonic] of TREZOR_128) {
    assert.equal(entropyToMnemonic(entropy), mnemonic)
    assert.equal(mnemonicToEntropy(mnemonic), entropy)
    assert.ok(validateMnemonic(mnemonic))
  }
})

test('Trezor 128-bit vectors: entropy → words', () => {
  for (const [entropy, mnemonic] of TREZOR_128) assert.equal(entropyToWords(fromHex(entropy)).join(' '), mnemonic)
})

test('Trezor 128-bit vectors: words → entropy, directly and through parseCode', () => {
  for (const [entropy, mnemonic] of TREZOR_128) {
    assert.equal(hex(wordsToEntropy(mnemonic.split(' '))), entropy)
    const parsed = expectOk(parseCode(mnemonic))
    assert.equal(hex(parsed.entropy), entropy)
    assert.equal(parsed.words.join(' '), mnemonic)
  }
})

test('random entropy encodes exactly as @scure/bip39 does, and decodes back', () => {
  for (let i = 0; i < 300; i++) {
    const entropy = crypto.getRandomValues(new Uint8Array(16))
    const words = entropyToWords(entropy)
    assert.equal(words.join(' '), entropyToMnemonic(hex(entropy)))
    assert.equal(hex(wordsToEntropy(words)), hex(entropy))
  }
})

// --- word list ---------------------------------------------------------------------------------

test('the word list is BIP39 English: 2048 words, unique in their first 4 letters', () => {
  assert.equal(WORDLIST.length, 2048)
  assert.equal(WORDLIST[0], 'abandon')
  assert.equal(WORDLIST[2047], 'zoo')
  assert.equal(new Set(WORDLIST.map((w) => w.slice(0, 4))).size, 2048)
  assert.ok(Object.isFrozen(WORDLIST))
})

test('isWord accepts list words in any case or width and nothing else', () => {
  assert.ok(isWord('abandon'))
  assert.ok(isWord('ABANDON'))
  assert.ok(isWord(' Zoo '))
  assert.ok(isWord('ａｂｌｅ'))
  assert.ok(isWord('ÁBLE'))
  assert.ok(!isWord('abandn'))
  assert.ok(!isWord(''))
  assert.ok(!isWord('abandon about'))
})

test('completions list words starting with the prefix, in order, up to the limit', () => {
  assert.deepEqual(completions('ab'), ['abandon', 'ability', 'able', 'about', 'above', 'absent', 'absorb', 'abstract'])
  assert.deepEqual(completions('AB', 3), ['abandon', 'ability', 'able'])
  assert.deepEqual(completions('zoo'), ['zoo'])
  assert.deepEqual(completions('xq'), [])
  assert.deepEqual(completions(''), [])
  assert.deepEqual(completions('ab', 0), [])
})

test('editDistance counts a swap of neighbouring letters as one edit', () => {
  assert.equal(editDistance('abandon', 'abandon'), 0)
  assert.equal(editDistance('abandn', 'abandon'), 1)
  assert.equal(editDistance('abnadon', 'abandon'), 1)
  assert.equal(editDistance('kitten', 'sitting'), 3)
  assert.equal(editDistance('', 'zoo'), 3)
})

test('suggestionsFor puts the word with the same first 4 letters first, then the nearest words', () => {
  assert.deepEqual(suggestionsFor('abandn'), ['abandon'])
  assert.deepEqual(suggestionsFor('abanxx'), ['abandon'])
  assert.equal(suggestionsFor('zebraxyzq')[0], 'zebra')
  assert.deepEqual(suggestionsFor('cta'), ['cat'])
  // Same-distance neighbours are offered alphabetically, so the advice never changes between runs.
  const near = suggestionsFor('bue')
  assert.ok(near.length > 1)
  assert.deepEqual(near, [...near].sort())
  assert.ok(near.every((w) => editDistance('bue', w) === 1))
  assert.deepEqual(suggestionsFor('qqqqqqqq'), [])
  assert.equal(suggestionsFor('ca', 10).length <= 10, true)
})

// --- input forms -------------------------------------------------------------------------------

test('plain words, any case, extra spaces', () => {
  expectZeroCode(ZERO_CODE)
  expectZeroCode(ZERO_CODE.toUpperCase())
  expectZeroCode('  Abandon   ABANDON abandon abandon abandon abandon abandon abandon abandon abandon abandon About  ')
})

test('commas, semicolons, newlines and tabs as separators', () => {
  expectZeroCode(ZERO_WORDS.join(', '))
  expectZeroCode(ZERO_WORDS.join(','))
  expectZeroCode(ZERO_WORDS.join('; '))
  expectZeroCode(ZERO_WORDS.join('\n'))
  expectZeroCode(ZERO_WORDS.join('\r\n'))
  expectZeroCode(ZERO_WORDS.join('\t'))
  expectZeroCode(`\n${ZERO_WORDS.slice(0, 6).join(' ')}\n\n${ZERO_WORDS.slice(6).join('\t')}\n`)
  expectZeroCode(ZERO_WORDS.join('-'))
})

test('numbered lists: 1. / 1) / 1: / #1 / (1), one per line or all on one line', () => {
  const numbered = (fmt: (n: number) => string, sep: string): string =>
    ZERO_WORDS.map((w, i) => `${fmt(i + 1)} ${w}`).join(sep)
  for (const fmt of [
    (n: number) => `${n}.`,
    (n: number) => `${n})`,
    (n: number) => `${n}:`,
    (n: number) => `#${n}`,
    (n: number) => `(${n})`
  ]) {
    expectZeroCode(numbered(fmt, '\n'))
    expectZeroCode(numbered(fmt, ' '))
  }
  // Glued to the word, as some note apps do.
  expectZeroCode(ZERO_WORDS.map((w, i) => `${i + 1}.${w}`).join(' '))
  expectZeroCode(ZERO_WORDS.map((w, i) => `${i + 1})${w}`).join(' '))
  // Two columns copied from a table.
  expectZeroCode(ZERO_WORDS.map((w, i) => `${i + 1}\t${w}`).join('\n'))
})

test('Unicode: accents are stripped, full-width letters and separators folded', () => {
  expectZeroCode(ZERO_WORDS.slice(0, 11).join(' ') + ' ÁBOUT')
  expectZeroCode(ZERO_WORDS.slice(0, 11).join(' ') + ' a\u0301bout') // decomposed accent
  expectZeroCode('ａｂａｎｄｏｎ　' + ZERO_WORDS.slice(1).join(' ')) // full-width word and ideographic space
  expectZeroCode(
    ZERO_WORDS.map((w) => w.toUpperCase().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join(
      '，'
    )
  )
  expectZeroCode(ZERO_WORDS.join('\u00a0')) // no-break spaces from a web page
  expectZeroCode('“' + ZERO_WORDS.join(' ') + '”')
})

test('a pairwise:// link, with its words separated by -, + or %20, and whitespace around it', () => {
  const words = TREZOR_128[4][1].split(' ')
  for (const sep of ['-', '+', '%20']) {
    const parsed = expectOk(parseCode(`  pairwise://pair?code=${words.join(sep)}&v=1 \n`))
    assert.equal(hex(parsed.entropy), TREZOR_128[4][0])
  }
  expectOk(parseCode(`pairwise://pair?code=${words.join('-')}`)) // v is optional
  expectOk(parseCode(`pairwise://pair/?v=1&code=${words.join('-').toUpperCase()}`))
})

// --- links -------------------------------------------------------------------------------------

test('toLink has the documented shape and round-trips through parseCode', () => {
  assert.equal(toLink(LEGAL), `pairwise://pair?code=${LEGAL.join('-')}&v=1`)
  for (let i = 0; i < 20; i++) {
    const code = generateCode()
    const parsed = expectOk(parseCode(toLink(code.words)))
    assert.deepEqual(parsed.words, code.words)
    assert.equal(hex(parsed.entropy), hex(code.entropy))
  }
})

test('toLink refuses anything but 12 list words', () => {
  const isArg = (err: unknown): boolean => err instanceof PairwiseError && err.code === 'invalid-argument'
  assert.throws(() => toLink(LEGAL.slice(0, 11)), isArg)
  assert.throws(() => toLink([...LEGAL.slice(0, 11), 'Yellow']), isArg)
  assert.throws(() => toLink([...LEGAL.slice(0, 11), 'yellow&v=2']), isArg)
})

test('unreadable links are invalid-link, whatever the words', () => {
  const code = LEGAL.join('-')
  for (const input of [
    'pairwise://pair?v=1', // no code
    'pairwise://pair?code=&v=1', // empty code
    `pairwise://pair?code=${code}&code=${code}`, // two codes
    `pairwise://pair?code=${code}&v=2`, // a newer format
    `pairwise://unpair?code=${code}`, // another action
    `pairwise://pair/extra?code=${code}`,
    `https://example.com/pair?code=${code}`, // not ours
    'pairwise://[bad'
  ]) {
    const error = expectError(parseCode(input), 'invalid-link')
    assert.deepEqual(error.invalidWords, [])
  }
  assert.match(expectError(parseCode(`pairwise://pair?code=${code}&v=2`), 'invalid-link').message, /newer version/)
})

test('a readable link with bad words gets the same word-level errors as typed words', () => {
  const words = [...LEGAL]
  words[3] = 'yaer'
  const error = expectError(parseCode(`pairwise://pair?code=${words.join('-')}&v=1`), 'invalid-word')
  assert.deepEqual(error.invalidWords, [{ position: 4, word: 'yaer', suggestions: suggestionsFor('yaer') }])
  assert.equal(error.invalidWords[0]!.suggestions[0], 'year')
  const cut = expectError(parseCode(`pairwise://pair?code=${LEGAL.slice(0, 7).join('-')}`), 'wrong-word-count')
  assert.match(cut.message, /Found 7 words/)
  assert.match(cut.hint, /link/)
})

// --- errors ------------------------------------------------------------------------------------

test('a misspelt word is reported with its position and suggestions', () => {
  const words = [...ZERO_WORDS]
  words[2] = 'abandn'
  const error = expectError(parseCode(words.join(' ')), 'invalid-word')
  assert.deepEqual(error.invalidWords, [{ position: 3, word: 'abandn', suggestions: ['abandon'] }])
  assert.equal(error.message, 'Word 3 “abandn” is not a pairing word. Did you mean “abandon”?')
})

test('a typo after the first 4 letters still finds the word by its prefix', () => {
  const words = [...ZERO_WORDS]
  words[0] = 'ABANXX'
  const error = expectError(parseCode(words.join(' ')), 'invalid-word')
  assert.equal(error.invalidWords.length, 1)
  assert.equal(error.invalidWords[0]!.position, 1)
  assert.equal(error.invalidWords[0]!.word, 'abanxx')
  assert.equal(error.invalidWords[0]!.suggestions[0], 'abandon')
})

test('every unknown word is reported, in order, even when the count is wrong too', () => {
  const words = [...LEGAL]
  words[1] = 'winnr'
  words[8] = 'xyzzyq'
  const both = expectError(parseCode(words.join(' ')), 'invalid-word')
  assert.deepEqual(both.invalidWords, [
    { position: 2, word: 'winnr', suggestions: suggestionsFor('winnr') },
    { position: 9, word: 'xyzzyq', suggestions: [] }
  ])
  assert.equal(both.invalidWords[0]!.suggestions[0], 'winner')
  assert.match(
    both.message,
    /^2 words are not pairing words: word 2 “winnr” \(did you mean .*“winner”.*\?\) and word 9 “xyzzyq”\.$/
  )

  const shortAndWrong = expectError(parseCode(words.slice(0, 11).join(' ')), 'invalid-word')
  assert.deepEqual(
    shortAndWrong.invalidWords.map((w) => w.position),
    [2, 9]
  )

  const many = expectError(parseCode('aaa bbb ccc ddd eee fff'), 'invalid-word')
  assert.deepEqual(
    many.invalidWords.map((w) => w.position),
    [1, 2, 3, 4, 5, 6]
  )
  assert.match(many.message, /and 2 more/)
})

test('too few or too many words say how many were found', () => {
  const eleven = expectError(parseCode(LEGAL.slice(0, 11).join(' ')), 'wrong-word-count')
  assert.equal(eleven.message, 'Found 11 words, but a pairing code has 12.')
  assert.match(eleven.hint, /missing/)
  const thirteen = expectError(parseCode([...LEGAL, 'zoo'].join(' ')), 'wrong-word-count')
  assert.equal(thirteen.message, 'Found 13 words, but a pairing code has 12.')
  assert.match(thirteen.hint, /extra/)
  assert.equal(expectError(parseCode('zoo'), 'wrong-word-count').message, 'Found 1 word, but a pairing code has 12.')
  assert.match(expectError(parseCode('  \n\t '), 'wrong-word-count').message, /No words/)
  assert.match(expectError(parseCode('1. 2. 3.'), 'wrong-word-count').message, /No words/)
  expectError(parseCode(ZERO_CODE + ' '.repeat(5000)), 'wrong-word-count')
})

test('real words that do not fit together are a checksum mismatch, with no guesses attached', () => {
  const misheard = [...LEGAL]
  misheard[3] = 'pear' // said "year"
  const swapped = [...LEGAL]
  ;[swapped[2], swapped[3]] = [LEGAL[3]!, LEGAL[2]!]
  for (const words of [misheard, swapped]) {
    assert.ok(!validateMnemonic(words.join(' ')))
    const error = expectError(parseCode(words.join(' ')), 'checksum-mismatch')
    assert.deepEqual(error.invalidWords, [])
    assert.match(error.message, /misheard or mistyped, or two were swapped/)
    // The likely slips come from near-misses.ts (slips.test.ts); the parser offers none of its own.
    assert.deepEqual(Object.keys(error).sort(), ['code', 'hint', 'invalidWords', 'message'])
  }
})

test('parseCodeOrThrow returns the code or throws a PairwiseError with the same findings', () => {
  const ok = parseCodeOrThrow(TREZOR_128[2][1])
  assert.equal(hex(ok.entropy), TREZOR_128[2][0])
  const words = [...ZERO_WORDS]
  words[6] = 'abandn'
  const input = words.join(' ')
  const expected = parseCode(input)
  assert.ok(!expected.ok)
  assert.throws(
    () => parseCodeOrThrow(input),
    (err: unknown) => {
      assert.ok(err instanceof PairwiseError)
      assert.equal(err.code, 'invalid-word')
      assert.equal(err.message, expected.error.message)
      assert.equal(err.hint, expected.error.hint)
      assert.deepEqual(err.details, { invalidWords: expected.error.invalidWords })
      return true
    }
  )
  assert.throws(
    () => parseCodeOrThrow('pairwise://pair'),
    (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-link'
  )
})

test('wordsToEntropy takes exact list words only', () => {
  const code = (c: string) => (err: unknown) => err instanceof PairwiseError && err.code === c
  assert.throws(() => wordsToEntropy(ZERO_WORDS.slice(1)), code('wrong-word-count'))
  assert.throws(() => wordsToEntropy([...ZERO_WORDS.slice(1), 'About']), code('invalid-word'))
  assert.throws(() => wordsToEntropy([...ZERO_WORDS.slice(1), 'abandon']), code('checksum-mismatch'))
})

test('entropyToWords takes exactly 16 bytes', () => {
  for (const length of [0, 15, 17, 32]) {
    assert.throws(
      () => entropyToWords(new Uint8Array(length)),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
  }
})

// --- generation --------------------------------------------------------------------------------

test('generateCode gives 12 valid words for 16 random bytes, different every time', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 50; i++) {
    const { words, entropy } = generateCode()
    assert.equal(words.length, 12)
    assert.equal(entropy.length, 16)
    assert.ok(words.every((w) => WORDLIST.includes(w)))
    assert.ok(validateMnemonic(words.join(' ')))
    assert.equal(mnemonicToEntropy(words.join(' ')), hex(entropy))
    assert.equal(hex(expectOk(parseCode(words.join(' '))).entropy), hex(entropy))
    seen.add(words.join(' '))
  }
  assert.equal(seen.size, 50)
})
