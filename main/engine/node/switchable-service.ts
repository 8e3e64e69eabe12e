// A libp2p service that runs only while its owner says so — the public
// network's DHT follows the person's switch (service/public-network.ts).
// Started with the node, kad-dht would load the public peers remembered from
// an earlier run into its routing table and ping each of them before anyone
// could say "off"; so the node's own start and stop leave it alone, and the
// owner turns it on and off.

interface Lifecycle {
  start(): void | Promise<void>
  stop(): void | Promise<void>
  isStarted(): boolean
}

export interface Switchable {
  /** Starts the service (again); kad-dht's parts all restart cleanly. */
  switchOn(): Promise<void>
  /** Stops it; harmless when it is not running. */
  switchOff(): Promise<void>
}

/** Wraps a service factory: the service starts only on switchOn(), and stops on switchOff() or with the node. */
export function switchable<C, S extends object>(factory: (components: C) => S): (components: C) => S & Switchable {
  return (components) => {
    const service = factory(components)
    const own = lifecycleOf(service)
    const start = own.start.bind(service)
    const stop = own.stop.bind(service)
    // Stopping a kad-dht that never started throws (its query manager has no abort controller yet).
    const switchOff = async (): Promise<void> => {
      if (own.isStarted()) await stop()
    }
    return Object.assign(service, {
      start: () => undefined,
      stop: switchOff,
      switchOn: async () => void (await start()),
      switchOff
    })
  }
}

function lifecycleOf(service: object): Lifecycle {
  const s = service as Partial<Lifecycle>
  if (typeof s.start !== 'function' || typeof s.stop !== 'function' || typeof s.isStarted !== 'function')
    throw new TypeError('switchable(): the service has no start/stop/isStarted')
  return s as Lifecycle
}
