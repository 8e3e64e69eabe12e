// Paired devices that are never online, written straight into a data folder's
// registry: their one address is a 127.0.0.1 port nothing listens on. For CLI
// tests that need "a device this one knows" without running it.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { FileSecretStore } from '../../main/engine/identity/file-secret-store.ts'
import { Registry } from '../../main/engine/registry/registry.ts'
import { dataFiles } from '../../main/engine/service/data-dir.ts'

/** A port nothing listens on: taken, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Records one paired, offline device per name in the (already set up) data folder `dir`. */
export async function addOfflinePeers(dir: string, names: string[]): Promise<void> {
  const store = FileSecretStore.open(dir)
  const registry = Registry.open(dataFiles(dir).registry)
  try {
    for (const name of names) {
      const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      registry.recordPairing({
        peerId,
        name,
        os: 'Linux',
        appVersion: '0.1.0',
        addresses: [`/ip4/127.0.0.1/tcp/${await closedPort()}/p2p/${peerId}`],
        pairKeySealed: await store.seal(randomBytes(32)),
        status: 'paired'
      })
    }
  } finally {
    registry.close()
  }
}
