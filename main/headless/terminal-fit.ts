// Fitting output to the terminal it is shown in. A line longer than the
// terminal wraps, and a status line rewritten in place with \r then leaves its
// wrapped part behind on every tick; a block taller than the terminal scrolls
// what came before it away. Widths count code points: the text here is ours,
// plus device names, which are short.

export interface TerminalSize {
  cols: number
  rows: number
}

/** The size of the terminal behind `stream`, or undefined when it is a pipe or a file. */
export function terminalSize(stream: NodeJS.WritableStream): TerminalSize | undefined {
  const tty = stream as NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number }
  if (tty.isTTY !== true || !(tty.columns! > 0) || !(tty.rows! > 0)) return undefined
  return { cols: tty.columns!, rows: tty.rows! }
}

const length = (text: string): number => [...text].length

/**
 * `head` + `tail` in fewer than `cols` columns (the last column is left free:
 * writing into it makes some terminals wrap at once). `tail` (a countdown) is
 * kept whole; `head` is cut with an ellipsis.
 */
export function fitLine(head: string, tail: string, cols: number): string {
  const room = cols - 1 - length(tail)
  if (room <= 0) return [...tail].slice(0, Math.max(0, cols - 1)).join('')
  if (length(head) <= room) return head + tail
  return [...head].slice(0, Math.max(0, room - 1)).join('') + '…' + tail
}

/** How many terminal rows `text` takes (each line wraps every `cols` columns). */
export function rowsOf(text: string, cols: number): number {
  return text.split('\n').reduce((rows, line) => rows + Math.max(1, Math.ceil(length(line) / cols)), 0)
}

/** Word-wraps `text` to lines shorter than `cols`, for notices on a terminal. */
export function wrap(text: string, cols: number): string {
  const width = Math.max(20, cols - 1)
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = []
      let line = ''
      for (const word of paragraph.split(' ')) {
        if (line !== '' && length(line) + 1 + length(word) > width) {
          lines.push(line)
          line = word
        } else line = line === '' ? word : `${line} ${word}`
      }
      lines.push(line)
      return lines.join('\n')
    })
    .join('\n')
}
