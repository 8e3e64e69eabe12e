// `pairwise node` as an operator runs it: it prints the --bootstrap value and
// serves Prometheus text with the relay and DHT figures an operator asks first.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, describe, it } from 'node:test'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const ROOT = join(import.meta.dirname, '..', '..')

describe('pairwise node', { timeout: 60_000 }, () => {
  const temp = new TempDirs('node-cmd')
  after(temp.removeAll)

  it('prints its bootstrap address and serves metrics on the address asked for', async () => {
    const args = [join(ROOT, 'bin', 'pairwise.mjs'), 'node', '--json', '--no-mdns', '--loopback']
    args.push('--listen', '/ip4/127.0.0.1/tcp/0', '--metrics', '127.0.0.1:0', '--data-dir', temp.make())
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], {
      env: { ...process.env, PAIRWISE_BOOTSTRAP: '' }
    })
    try {
      const listening = await new Promise<{ bootstrap: string; metrics: string; peerId: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no listening line in 30 s')), 30_000)
        createInterface({ input: child.stdout }).on('line', (line) => {
          const event = JSON.parse(line) as { type: string; bootstrap: string; metrics: string; peerId: string }
          if (event.type !== 'listening') return
          clearTimeout(timer)
          resolve(event)
        })
      })
      assert.match(listening.bootstrap, new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${listening.peerId}$`))
      const response = await fetch(listening.metrics, { signal: AbortSignal.timeout(10_000) })
      assert.equal(response.status, 200)
      const text = await response.text()
      for (const name of [
        'pairwise_relay_reservations 0',
        'pairwise_relay_reservations_max 4096',
        'pairwise_dht_records 0'
      ]) {
        assert.ok(text.includes(name), `metrics include ${name}`)
      }
      assert.match(text, /^libp2p_/m, "libp2p's own metrics are there too")
      const other = await fetch(listening.metrics.replace('/metrics', '/'), { signal: AbortSignal.timeout(10_000) })
      assert.equal(other.status, 404)
    } finally {
      child.kill('SIGTERM')
    }
  })
})
