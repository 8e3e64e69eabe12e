// A minimal typed event emitter that works in Node and in the browser. Each
// `on` returns its own unsubscribe, so a listener can always be removed.

export type Listener<T> = (payload: T) => void

export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>()

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(type)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(type, set)
    }
    set.add(listener as Listener<never>)
    return () => {
      set.delete(listener as Listener<never>)
    }
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.#listeners.get(type)
    if (set === undefined) return
    for (const listener of [...set]) {
      try {
        ;(listener as Listener<Events[K]>)(payload)
      } catch (err) {
        // A listener's bug must neither break the protocol that emitted the
        // event nor take the process down; it is reported, not rethrown.
        console.error(
          `pairwise: a listener for "${String(type)}" failed: ${err instanceof Error ? err.message : String(err)}`
        )
      }
    }
  }

  listenerCount(type: keyof Events): number {
    return this.#listeners.get(type)?.size ?? 0
  }
}
