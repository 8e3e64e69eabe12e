// One device inside a lab namespace, driven over stdin/stdout with one JSON
// object per line. Run only by lan-pairing.test.ts through `ip netns exec`.
import { networkInterfaces } from 'node:os'
import { createInterface } from 'node:readline'
import { FileSecretStore } from '../../main/engine/identity/file-secret-store.ts'
import { createPairingService } from '../../main/engine/service/service.ts'

const [dataDir, address, name] = process.argv.slice(2) as [string, string, string]

// Refuse to start mDNS anywhere but inside the lab: only lo and the lab's eth0 may exist.
const interfaces = Object.keys(networkInterfaces())
if (interfaces.some((i) => i !== 'lo' && i !== 'eth0')) {
  console.error(`refusing to run outside a lab namespace: interfaces ${interfaces.join(', ')}`)
  process.exit(3)
}

const service = await createPairingService({
  dataDir,
  secretStore: FileSecretStore.open(dataDir),
  deviceName: name,
  network: {
    listen: [`/ip4/${address}/tcp/0`],
    mdns: true,
    upnp: false,
    bootstrap: [],
    dhtMode: 'server',
    allowLoopback: false
  },
  timing: { joinTimeoutMs: 20_000, lanWaitMs: 5_000, dhtPatienceMs: 0 }
})
const send = (message: unknown): void => void process.stdout.write(JSON.stringify(message) + '\n')
service.on('join-progress', (p) => send({ event: 'join-progress', step: p.step, path: p.path, message: p.message }))
send({ ready: true, peerId: service.peerId })

const stop = setTimeout(() => void shutdown(), 60_000)
async function shutdown(): Promise<void> {
  clearTimeout(stop)
  await service.stop()
  process.exit(0)
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { cmd: string; code?: string }
  try {
    if (command.cmd === 'pair') send({ session: await service.startPairing({}) })
    if (command.cmd === 'join') {
      const started = performance.now()
      const device = await service.join({ code: command.code ?? '' })
      send({ joined: device, ms: performance.now() - started })
    }
    if (command.cmd === 'devices') send({ devices: await service.listDevices({}) })
    if (command.cmd === 'stop') await shutdown()
  } catch (err) {
    send({
      error: err instanceof Error ? { message: err.message, code: (err as { code?: string }).code } : String(err)
    })
  }
}
await shutdown()
