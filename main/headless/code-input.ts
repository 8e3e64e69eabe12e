import { createInterface } from 'node:readline/promises'
import { codeWords, likelySlips, parseCode, type CodeError } from '../../shared/code/index.ts'
import { PairwiseError } from '../../shared/errors.ts'

// Getting the 12 words from a person: from the arguments, from a pipe (which
// keeps them out of `ps` and shell history), or typed at a prompt that points
// at the wrong word and offers the likely right one. Twelve real words that do
// not fit together are passed on all the same, with the likely slips shown:
// the engine checks the close variants with the waiting device (no proof sent)
// and says what it corrected, which beats any guess the person could make.

const MAX_PROMPTS = 5
const MAX_STDIN_BYTES = 4096

export interface CodeSource {
  /** The words as typed on the command line, joined; '' when none were given. */
  argv: string
  interactive: boolean
  input?: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Where prompts and typo help go (stderr: stdout carries only results). */
  output?: NodeJS.WritableStream
}

/** Resolves with 12 normalised words (a valid code, or real words the engine may correct), or throws the parser's error as a PairwiseError. */
export async function readCode(source: CodeSource): Promise<string[]> {
  const input = source.input ?? process.stdin
  const output = source.output ?? process.stderr
  if (source.argv !== '') {
    const parsed = parseCode(source.argv)
    if (parsed.ok) return parsed.words
    const words = correctable(parsed.error, source.argv, output)
    if (words !== undefined) return words
    if (!source.interactive) throw codeError(parsed.error)
    output.write(explain(parsed.error))
    return prompt(input, output, source.argv)
  }
  if (source.interactive) return prompt(input, output, '')
  const piped = await readAll(input)
  const parsed = parseCode(piped)
  if (parsed.ok) return parsed.words
  const words = correctable(parsed.error, piped, output)
  if (words !== undefined) return words
  throw codeError(parsed.error)
}

/** 12 real words that do not fit together go on to the engine, which may correct them (said on `output`). */
function correctable(error: CodeError, text: string, output: NodeJS.WritableStream): string[] | undefined {
  if (error.code !== 'checksum-mismatch') return undefined
  const words = codeWords(text.trim())
  output.write(slipNotice(words))
  return words
}

/** What is wrong with 12 words that do not fit together, and what happens next. */
export function slipNotice(words: readonly string[]): string {
  const slips = likelySlips(words)
  const lines = ['pairwise: These 12 words do not fit together: one was probably misheard, or two were swapped.']
  if (slips.length > 0) lines.push(`Likely: ${slips.map((s) => s.label).join('; ')}.`)
  lines.push('Pairwise will check the close variants with the waiting device (no guess is sent to it).')
  return `${lines.join('\n')}\n`
}

async function prompt(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  previous: string
): Promise<string[]> {
  const rl = createInterface({ input, output, terminal: true })
  // Ctrl-C (SIGINT in raw mode) or Ctrl-D (end of input) means "never mind": a
  // cancellation with its own code and exit status, never an internal error.
  const stopped = new Promise<never>((_, reject) => {
    const cancel = (): void => {
      // Off the prompt's line, so what follows starts on a line of its own.
      output.write('\n')
      reject(cancelled())
    }
    rl.once('SIGINT', cancel)
    rl.once('close', cancel)
  })
  stopped.catch(() => undefined)
  try {
    let prefill = previous
    for (let attempt = 0; attempt < MAX_PROMPTS; attempt++) {
      const asked = rl.question('Enter the 12 words shown on the other computer (or its link): ')
      asked.catch(() => undefined)
      const answer = Promise.race([asked, stopped])
      // Pre-filled with the last try, so one wrong word is fixed without retyping eleven.
      if (prefill !== '') rl.write(prefill)
      const text = await answer
      const parsed = parseCode(text)
      if (parsed.ok) return parsed.words
      const words = correctable(parsed.error, text, output)
      if (words !== undefined) return words
      output.write(explain(parsed.error))
      prefill = text.trim()
      if (attempt === MAX_PROMPTS - 1) throw codeError(parsed.error)
    }
    throw new PairwiseError('invalid-argument', 'No code entered.')
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}

function cancelled(): PairwiseError {
  return new PairwiseError('cancelled', 'Cancelled.', { hint: 'Run `pairwise join` again when you have the code.' })
}

/** The parser's message (it names the word's position and suggestions) and its hint. */
export function explain(error: CodeError): string {
  return `pairwise: ${error.message}\nhint: ${error.hint}\n`
}

export function codeError(error: CodeError): PairwiseError {
  return new PairwiseError(error.code, error.message, {
    hint: error.hint,
    details: { invalidWords: error.invalidWords }
  })
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
    if (text.length > MAX_STDIN_BYTES) break
  }
  return text
}
