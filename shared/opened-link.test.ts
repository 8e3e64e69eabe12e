import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateCode, linkFromFragment, toLink } from './code/index.ts'
import { OpenedLinkSchema, readOpenedLink } from './opened-link.ts'

const LEGAL = 'legal winner thank year wave sausage worth useful legal winner thank yellow'.split(' ')

test('a pairing link yields its 12 words, and nothing else', () => {
  const { words } = generateCode()
  assert.deepEqual(readOpenedLink(toLink(words)), { ok: true, words })
  assert.deepEqual(readOpenedLink(`  PAIRWISE://pair?code=${LEGAL.join('+')}  `), { ok: true, words: LEGAL })
})

test('a link with a misheard word or a bad checksum still fills the fields, for the screen to point at', () => {
  const typo = [...LEGAL.slice(0, 3), 'yaer', ...LEGAL.slice(4)]
  assert.deepEqual(readOpenedLink(`pairwise://pair?code=${typo.join('-')}`), { ok: true, words: typo })
  const swapped = [LEGAL[1]!, LEGAL[0]!, ...LEGAL.slice(2)]
  assert.deepEqual(readOpenedLink(toLink(swapped)), { ok: true, words: swapped })
})

test('whatever else a link says is refused with parseCode’s message', () => {
  const refused = (raw: unknown, message: RegExp): void => {
    const result = readOpenedLink(raw)
    assert.equal(result.ok, false, String(raw))
    if (!result.ok) assert.match(result.message, message)
  }
  refused('https://example.com/?code=' + LEGAL.join('-'), /not a Pairwise link/)
  refused('pairwise://unpair?code=' + LEGAL.join('-'), /not a pairing link/)
  refused('pairwise://pair/../devices?code=' + LEGAL.join('-'), /not a pairing link/)
  refused(`pairwise://pair?code=${LEGAL.join('-')}&v=9`, /newer version/)
  refused(`pairwise://pair?code=${LEGAL.join('-')}&code=${LEGAL.join('-')}`, /more than one/)
  refused(`pairwise://pair?code=${LEGAL.slice(0, 11).join('-')}`, /Found 11 words/)
  refused(`pairwise://pair?code=${[...LEGAL, 'zoo'].join('-')}`, /Found 13 words/)
  refused(`pairwise://pair?code=${'a'.repeat(3000)}`, /far too long/)
  refused(`pairwise://pair?code=${[...LEGAL.slice(0, 11), 'x'.repeat(40)].join('-')}`, /damaged/)
  refused('legal winner thank', /damaged/)
  refused(42, /damaged/)
  refused(undefined, /damaged/)
})

test('what crosses from the desktop app to the window is checked against the same schema', () => {
  assert.equal(OpenedLinkSchema.safeParse({ ok: true, words: LEGAL }).success, true)
  assert.equal(OpenedLinkSchema.safeParse({ ok: true, words: [...LEGAL, 'zoo'] }).success, false)
  assert.equal(OpenedLinkSchema.safeParse({ ok: true, words: [] }).success, false)
  assert.equal(OpenedLinkSchema.safeParse({ ok: true, words: LEGAL, join: true }).success, true)
  assert.deepEqual(OpenedLinkSchema.parse({ ok: true, words: LEGAL, join: true }), { ok: true, words: LEGAL })
  assert.equal(OpenedLinkSchema.safeParse({ ok: false, message: 'x'.repeat(501), hint: '' }).success, false)
})

test('#pair=… in an address stands for the same link', () => {
  const { words } = generateCode()
  const link = linkFromFragment(`#pair=${words.join('-')}`)
  assert.ok(link !== null)
  assert.deepEqual(readOpenedLink(link), { ok: true, words })
  // The separators a link allows, percent-encoded or not.
  assert.deepEqual(readOpenedLink(linkFromFragment(`#pair=${words.join('%20')}`)), { ok: true, words })
  assert.deepEqual(readOpenedLink(linkFromFragment(`pair=${words.join('+')}`)), { ok: true, words })
  // Anything smuggled next to the code is not part of it.
  assert.deepEqual(readOpenedLink(linkFromFragment(`#pair=${words.join('-')}&v=1&token=abc`)), { ok: true, words })
  // An encoded & stays inside the value: one odd last word for the screen to flag, not a second code.
  const injected = readOpenedLink(linkFromFragment(`#pair=${words.join('-')}%26code%3Dzoo`))
  assert.deepEqual(injected, { ok: true, words: [...words.slice(0, 11), `${words[11]}&code=zoo`] })
})

test('an address without #pair= has no link', () => {
  assert.equal(linkFromFragment(''), null)
  assert.equal(linkFromFragment('#'), null)
  assert.equal(linkFromFragment('#devices'), null)
  assert.equal(linkFromFragment('#pairing=abc'), null)
})
