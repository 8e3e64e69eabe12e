import { WELL_KNOWN_PUBLIC_BOOTSTRAP } from './public-network.ts'

// Which public-network bootstrap peers a front end (CLI, daemon, desktop app)
// starts with. The engine itself never defaults to the public network: a
// NetworkOptions without `publicBootstrap` stays off it.

/** Replaces the well-known list (comma-separated multiaddrs; empty: none). The NAT lab injects its own here. */
export const PUBLIC_BOOTSTRAP_ENV = 'PAIRWISE_PUBLIC_BOOTSTRAP'

export interface PublicBootstrapChoice {
  /** False with --no-public-network. */
  enabled: boolean
  /** --loopback: a test or benchmark on one machine, which never joins the real public network. */
  loopback?: boolean
}

export function resolvePublicBootstrap(choice: PublicBootstrapChoice, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!choice.enabled) return []
  const injected = env[PUBLIC_BOOTSTRAP_ENV]
  if (injected !== undefined)
    return injected
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  // A safety interlock for this project's own lab rules: under `node --test`
  // (the runner sets NODE_TEST_CONTEXT for every test process and the
  // processes they spawn), in a NAT lab (PAIRWISE_TEST_PUBLIC_CIDRS) or on
  // loopback (every one-machine test and benchmark passes --loopback), the
  // real public network is never joined — only a list a test injects is.
  const lab = env.NODE_TEST_CONTEXT !== undefined || env.PAIRWISE_TEST_PUBLIC_CIDRS !== undefined
  if (lab || choice.loopback === true) return []
  return [...WELL_KNOWN_PUBLIC_BOOTSTRAP]
}
