// The setup most UI suites share: real daemons on 127.0.0.1 (mDNS off) — the
// first on its own, the others bootstrapped to it — each with a Chromium page on
// its web UI, and one teardown for the browser, the daemons and their folders.
import type { Browser, Page } from 'playwright-core'
import { TempDirs } from '../../test-support/temp-dirs.ts'
import { launchChromium, openUi, type Viewport } from './browser.ts'
import { startDaemon, type Daemon } from './daemon.ts'

export interface DeviceSpec {
  name: string
  /** More daemon arguments, e.g. `['--ttl', '1']`; the others' `--bootstrap` comes first. */
  extra?: readonly string[]
}

/** One entry per spec, in order: `{ daemons: [a, b], pages: [pageA, pageB] }`. */
export interface Devices<S extends readonly DeviceSpec[]> {
  daemons: { -readonly [K in keyof S]: Daemon }
  pages: { -readonly [K in keyof S]: Page }
}

/** Typical use: `const ui = new UiDevices('e2e-x', [{ name: 'Alice desktop' }, { name: 'Bob laptop' }])`. */
export class UiDevices<const S extends readonly DeviceSpec[]> {
  readonly temp: TempDirs
  browser: Browser | undefined
  readonly #specs: S
  readonly #dirs: string[]
  readonly #viewport: Viewport | undefined
  #daemons: Daemon[] = []
  #pages: Page[] = []

  /** `label` names the suite's temp folders (pw-<label>-…); each spec gets its own (a, b, c, …). */
  constructor(label: string, specs: S, viewport?: Viewport) {
    this.temp = new TempDirs(label)
    this.#specs = specs
    this.#dirs = specs.map((_, i) => this.temp.make(String.fromCharCode(97 + i)))
    this.#viewport = viewport
  }

  /** Launches Chromium, starts one daemon per spec and opens its UI. */
  async start(): Promise<Devices<S>> {
    this.browser = await launchChromium()
    return this.#startDaemonsAndPages()
  }

  /** Stops every daemon, starts it again on its folder, and gives each a fresh page (the old ones close). */
  async restart(): Promise<Devices<S>> {
    for (const daemon of this.#daemons) await daemon.stop()
    return this.#startDaemonsAndPages()
  }

  async stop(): Promise<void> {
    await this.browser?.close()
    for (const daemon of this.#daemons) await daemon.stop()
    this.temp.removeAll()
  }

  async #startDaemonsAndPages(): Promise<Devices<S>> {
    const daemons: Daemon[] = []
    for (const [i, spec] of this.#specs.entries()) {
      const bootstrap = i === 0 ? [] : ['--bootstrap', daemons[0]!.multiaddrs[0]!]
      const daemon = await startDaemon(spec.name, this.#dirs[i]!, [...bootstrap, ...(spec.extra ?? [])])
      daemons.push(daemon)
      this.#daemons[i] = daemon
    }
    for (const page of this.#pages) await page.close()
    this.#pages = []
    for (const daemon of daemons) this.#pages.push(await openUi(this.browser!, daemon.url, this.#viewport))
    // One entry per spec, in order: the mapped tuple types say no more than that.
    return { daemons, pages: [...this.#pages] } as unknown as Devices<S>
  }
}
