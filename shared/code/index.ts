// The pairing code as people see it: 12 BIP39 English words, typed, pasted or opened as a link.
export { WORDLIST, normalizeWord, isWord, completions, suggestionsFor, editDistance } from './wordlist.ts'
export { CODE_WORD_COUNT, CODE_ENTROPY_BYTES, generateCode, entropyToWords, wordsToEntropy } from './generate.ts'
export type { GeneratedCode } from './generate.ts'
export { toLink, parseLink, looksLikeLink } from './link.ts'
export type { LinkParse } from './link.ts'
export { parseCode, parseCodeOrThrow, splitCodeWords, MAX_CHECKSUM_FIXES } from './parse.ts'
export type { ParsedCode, CodeError, CodeErrorCode, InvalidWord, ChecksumFix } from './parse.ts'
