import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { PairwiseError } from '../../shared/errors.ts'
import { Output } from './output.ts'
import { escapeForTerminal, escapeJsonForTerminal } from './terminal-text.ts'

const HOSTILE = 'Evil\x1b[2J\x1b[H\rPaired with Your Bank\u202e\u009b'
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/

function capture(json: boolean) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
  return { output: new Output(json, stdout, stderr), text: () => ({ out, err }) }
}

describe('text for a terminal', () => {
  it('shows control and bidi characters as visible escapes, keeps newlines and tabs', () => {
    assert.equal(escapeForTerminal('a\x1b[2Jb\rc\u202ed\te\nf'), 'a\\x1b[2Jb\\x0dc\\u202ed\te\nf')
    assert.doesNotMatch(escapeForTerminal(HOSTILE), RAW)
  })

  it('Output escapes results, events, notices and errors; JSON stays valid and equal', async () => {
    const text = capture(false)
    text.output.result({}, `Paired with ${HOSTILE}.`)
    text.output.event('presence', {}, `${HOSTILE} is online.`)
    text.output.notice(HOSTILE)
    text.output.fail(new PairwiseError('not-found', `No device is called “${HOSTILE}”.`))
    await new Promise((r) => setImmediate(r))
    const { out, err } = text.text()
    assert.doesNotMatch(out, RAW)
    assert.doesNotMatch(err, RAW)
    assert.match(out, /Evil\\x1b\[2J/)

    const json = capture(true)
    json.output.result({ name: HOSTILE }, '')
    await new Promise((r) => setImmediate(r))
    const line = json.text().out.trim()
    assert.doesNotMatch(line, RAW)
    assert.equal((JSON.parse(line) as { name: string }).name, HOSTILE, 'the same value, escaped')
    assert.equal(escapeJsonForTerminal(JSON.stringify('\u009b')), '"\\u009b"')
  })
})
