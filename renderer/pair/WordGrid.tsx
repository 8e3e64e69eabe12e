/** The code as it is read aloud: numbered, large, in reading order down each column. */
export function WordGrid({ words }: { words: readonly string[] }) {
  return (
    <ol className="word-grid" aria-label="Pairing words">
      {words.map((word, i) => (
        <li key={i} className="word-cell">
          <span className="word-number" aria-hidden="true">
            {i + 1}
          </span>
          <span className="word-text" data-testid={`code-word-${i + 1}`}>
            {word}
          </span>
        </li>
      ))}
    </ol>
  )
}
