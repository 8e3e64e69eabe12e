import { z } from 'zod'

// Zod probes for `new Function` to speed up parsing; under the app's CSP (no 'unsafe-eval') that
// probe fails anyway and is reported as a security-policy violation on every start.
z.config({ jitless: true })
