import { z } from 'zod'

// Zod compiles a parser with `new Function` for each object schema, on its first parse. Pairwise
// parses each schema a handful of times per process, so that compile is pure cost: ~2 ms per schema
// on a first call, ~40 ms over a CLI join's first parses (measured on 2 cores), against no
// measurable difference per parse afterwards. In the renderer the app's CSP (no 'unsafe-eval')
// forbids it anyway, and Zod's probe for it is reported as a policy violation on every start.
// Zod decides per schema when the schema is built, so this module must run before any module
// that builds one: the renderer imports it first, the CLI before it loads a command.
z.config({ jitless: true })
