import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HostStrikes } from './host-strikes.ts'

function clocked(limits: ConstructorParameters<typeof HostStrikes>[0] = {}) {
  let now = 1_000_000
  const strikes = new HostStrikes(limits, () => now)
  return { strikes, advance: (ms: number) => void (now += ms) }
}

describe('HostStrikes', () => {
  it('blocks a host at its third failure within the window, and only that host', () => {
    const { strikes } = clocked()
    assert.equal(strikes.strike('10.0.0.1'), false)
    assert.equal(strikes.strike('10.0.0.1'), false)
    assert.equal(strikes.blocked('10.0.0.1'), false)
    assert.equal(strikes.strike('10.0.0.1'), true)
    assert.equal(strikes.blocked('10.0.0.1'), true)
    assert.equal(strikes.blocked('10.0.0.2'), false)
  })

  it('forgets failures spread wider than the window (an honest typo now and then never blocks)', () => {
    const { strikes, advance } = clocked()
    for (let i = 0; i < 10; i++) {
      assert.equal(strikes.strike('10.0.0.1'), false)
      advance(6_000)
    }
    assert.equal(strikes.blocked('10.0.0.1'), false)
  })

  it('ends a block, then blocks again at the full count of strikes for twice as long, up to the cap', () => {
    const { strikes, advance } = clocked({ blockMs: 1_000, maxBlockMs: 4_000 })
    const strikeThrice = (): boolean[] => [0, 1, 2].map(() => strikes.strike('10.0.0.1'))
    strikeThrice()
    advance(999)
    assert.equal(strikes.blocked('10.0.0.1'), true)
    advance(2)
    assert.equal(strikes.blocked('10.0.0.1'), false, 'the first block lasts 1 s')
    assert.equal(strikes.strike('10.0.0.1'), false, 'one failure after a block does not block again')
    assert.equal(strikes.blocked('10.0.0.1'), false, 'a device sharing the address gets in now')
    assert.deepEqual(strikeThrice().slice(0, 2), [false, true], 'the third strike of the new window blocks')
    advance(1_999)
    assert.equal(strikes.blocked('10.0.0.1'), true, 'for 2 s')
    advance(2)
    strikeThrice()
    advance(3_999)
    assert.equal(strikes.blocked('10.0.0.1'), true, 'then 4 s')
    advance(2)
    strikeThrice()
    advance(4_001)
    assert.equal(strikes.blocked('10.0.0.1'), false, 'never longer than the cap')
  })

  it('starts over with a host that stayed quiet for forgetMs after its block', () => {
    const { strikes, advance } = clocked({ blockMs: 2_000, forgetMs: 60_000 })
    for (let i = 0; i < 3; i++) strikes.strike('10.0.0.1')
    advance(2_000 + 60_001)
    assert.equal(strikes.strike('10.0.0.1'), false, 'one failure no longer blocks')
  })

  it('holds at most maxHosts hosts, dropping the least recently struck', () => {
    const { strikes } = clocked({ maxHosts: 100 })
    for (let i = 0; i < 1_000; i++) strikes.strike(`10.0.${i >> 8}.${i & 255}`)
    assert.equal(strikes.size, 100)
  })
})
