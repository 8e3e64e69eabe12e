import { randomBytes } from 'node:crypto'
import type { JoinProgress } from '../../../shared/api.ts'
import { describeCorrection } from '../../../shared/code/index.ts'
import type { CliOptions } from '../args.ts'
import { openBackend } from '../backend.ts'
import { readCode } from '../code-input.ts'
import { onInterrupt } from '../interrupt.ts'
import type { Output } from '../output.ts'
import { describeDevice } from './device-format.ts'

// `pairwise join`: the words are checked before anything else loads, so a
// typo is answered at once and without starting a network node.

export async function runJoin(positionals: string[], options: CliOptions, out: Output): Promise<number> {
  // Prompts and typo help go to stderr, so a prompt is fine with --json too.
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true
  const words = await readCode({ argv: positionals.join(' ').trim(), interactive })

  const backend = await openBackend(options, out, { shortLived: true })
  const joinId = randomBytes(6).toString('hex')
  let lastMessage = ''
  // The slip the engine undid, if any: the result says it, not only a progress line.
  let correction: JoinProgress['correction']
  const offProgress = backend.api.on('join-progress', (progress) => {
    if (progress.joinId !== joinId) return
    if (progress.correction !== undefined) correction = progress.correction
    out.event('progress', {
      step: progress.step,
      path: progress.path ?? null,
      message: progress.message,
      ...(progress.check === undefined ? {} : { check: progress.check }),
      ...(progress.correction === undefined ? {} : { correction: progress.correction }),
      at: progress.at
    })
    if (!out.json && progress.message !== lastMessage && progress.step !== 'paired' && progress.step !== 'failed') {
      lastMessage = progress.message
      out.text(`  ${progress.message}`)
      // The person at the other device compares these digits with what it shows before allowing us.
      if (progress.check !== undefined)
        out.text(`  Check: ${progress.check} — the other device shows the same six digits`)
    }
  })
  const stopInterrupt = onInterrupt(() => {
    out.notice('Cancelling…')
    void backend.api.cancelJoin({}).catch(() => undefined)
  })
  try {
    out.text('Looking for the device that shows this code…')
    const device = await backend.api.join({ code: words.join(' '), joinId })
    const fixed = correction === undefined ? '' : ` — ${describeCorrection(correction)}`
    out.result(
      { device, ...(correction === undefined ? {} : { correction }) },
      `Paired with ${describeDevice(device)}${fixed}.`
    )
    return 0
  } catch (err) {
    // A cancelled join ends as 'code-cancelled' from the engine itself.
    return out.fail(err)
  } finally {
    stopInterrupt()
    offProgress()
    await backend.close()
  }
}
