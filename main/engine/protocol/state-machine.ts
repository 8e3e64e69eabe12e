// Pairing state lives in explicit tables: a transition that is not listed is a
// bug, and throwing on it keeps a session from drifting into a state that the
// protocol properties were never argued for.

export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>

export class StateMachine<S extends string> {
  readonly #table: TransitionTable<S>
  #state: S
  readonly #onChange: ((from: S, to: S) => void) | undefined

  constructor(table: TransitionTable<S>, initial: S, onChange?: (from: S, to: S) => void) {
    this.#table = table
    this.#state = initial
    this.#onChange = onChange
  }

  get state(): S {
    return this.#state
  }

  can(to: S): boolean {
    return this.#table[this.#state].includes(to)
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state)
  }

  to(next: S): void {
    if (!this.can(next)) throw new Error(`illegal transition ${this.#state} -> ${next}`)
    const from = this.#state
    this.#state = next
    this.#onChange?.(from, next)
  }

  isTerminal(): boolean {
    return this.#table[this.#state].length === 0
  }
}
