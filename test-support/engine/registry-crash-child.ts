// Helper for main/engine/registry/registry.crash.test.ts: hammers the registry until it is SIGKILLed.
// Each progress line is written only after the call that committed it returned, so
// a printed line is a promise the parent can check after the kill.
//
// Usage: node registry-crash-child.ts <db file> <run tag> <max ops> <max ms>

import fs from 'node:fs'
import { Registry } from '../../main/engine/registry/registry.ts'

const [file, tag, maxOpsArg, maxMsArg] = process.argv.slice(2)
if (file === undefined || tag === undefined) {
  console.error('usage: registry-crash-child.ts <db file> <run tag> <max ops> <max ms>')
  process.exit(2)
}
const maxOps = Number(maxOpsArg ?? 20_000)
const deadline = Date.now() + Number(maxMsArg ?? 10_000)

// A mix of every multi-step change; the parent learns what ran from the progress lines.
const schedule = {
  pending: (i: number) => i % 3 === 0,
  confirm: (i: number) => i % 3 === 0 && i % 2 === 0,
  revoke: (i: number) => i % 2 === 1,
  deliver: (i: number) => i % 6 === 1
}

// fs.writeSync: a synchronous write, so no line sits in a buffer that the kill could lose
// after the parent has already acted on a later one.
const say = (line: string) => fs.writeSync(1, line + '\n')

const reg = Registry.open(file)
say('ready')
for (let i = 0; i < maxOps && Date.now() < deadline; i++) {
  const peerId = `crash-${tag}-${i}`
  reg.recordPairing({
    peerId,
    name: `seq:${tag}:${i}`,
    os: 'linux',
    appVersion: '0.1.0',
    addresses: [`/ip4/127.0.0.1/tcp/${4000 + (i % 1000)}`],
    pairKeySealed: Uint8Array.from({ length: 48 }, (_, k) => (i + k) & 0xff),
    status: schedule.pending(i) ? 'pending-confirmation' : 'paired'
  })
  say(`R ${i}`)
  if (schedule.confirm(i)) {
    reg.confirmPairing(peerId)
    say(`C ${i}`)
  }
  if (schedule.revoke(i)) {
    reg.revoke(peerId)
    say(`V ${i}`)
  }
  if (schedule.deliver(i)) {
    reg.recordRevocationAttempt(peerId)
    reg.markRevocationDelivered(peerId)
    say(`D ${i}`)
  }
}
reg.close()
say('done')
