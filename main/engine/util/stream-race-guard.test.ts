import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { it } from 'node:test'
import { StreamStateError } from '@libp2p/interface'
import { isLibp2pStreamRace } from './stream-race-guard.ts'

const GUARD = join(import.meta.dirname, 'stream-race-guard.ts')

/** A child process with the guard installed that throws `error` from a timer, then says whether it lived on. */
function childThrowing(error: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { guardAgainstStreamRaces } from ${JSON.stringify(GUARD)}
    import { StreamStateError } from '@libp2p/interface'
    guardAgainstStreamRaces(() => console.log('race swallowed'))
    setTimeout(() => { throw ${error} }, 1)
    setTimeout(() => console.log('still running'), 50)
  `
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
    cwd: join(import.meta.dirname, '..', '..', '..')
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

it('tells libp2p’s closed-stream race from other errors', () => {
  assert.equal(isLibp2pStreamRace(new StreamStateError('Cannot write to a stream that is closed')), true)
  assert.equal(isLibp2pStreamRace(new TypeError('x is undefined')), false)
  assert.equal(isLibp2pStreamRace('StreamStateError'), false)
})

it('a process lives on after the race, and still dies of any other uncaught error', () => {
  const race = childThrowing("new StreamStateError('Cannot write to a stream that is closed')")
  assert.equal(race.status, 0, race.stderr)
  assert.match(race.stdout, /race swallowed[\s\S]*still running/)
  const bug = childThrowing("new TypeError('a real bug')")
  assert.equal(bug.status, 1)
  assert.match(bug.stderr, /TypeError: a real bug/)
  assert.doesNotMatch(bug.stdout, /still running/)
})
