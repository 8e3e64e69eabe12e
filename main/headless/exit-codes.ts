import type { ErrorCode } from '../../shared/errors.ts'

// One exit status per kind of outcome, so scripts can branch on `$?` without
// parsing text. Keyed by every ErrorCode: a new code does not compile until it
// is given a status here.

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  invalidCode: 3,
  notReached: 4,
  codeEnded: 5,
  wrongCode: 6,
  device: 7,
  locked: 8,
  storage: 9,
  version: 10,
  /** 128 + SIGINT, as shells report a command stopped with Ctrl-C. */
  cancelled: 130
} as const

export const EXIT_CODE_FOR: Record<ErrorCode, number> = {
  internal: EXIT.internal,
  'protocol-error': EXIT.internal,
  busy: EXIT.internal,
  'token-refused': EXIT.internal,
  'invalid-argument': EXIT.usage,
  'invalid-word': EXIT.invalidCode,
  'wrong-word-count': EXIT.invalidCode,
  'checksum-mismatch': EXIT.invalidCode,
  'invalid-link': EXIT.invalidCode,
  'no-device-waiting': EXIT.notReached,
  'device-unreachable': EXIT.notReached,
  'timed-out': EXIT.notReached,
  'code-expired': EXIT.codeEnded,
  'code-used': EXIT.codeEnded,
  'code-cancelled': EXIT.codeEnded,
  // The other person declined, or did not answer: this pairing is over, as if the code had ended.
  denied: EXIT.codeEnded,
  'approval-timed-out': EXIT.codeEnded,
  'wrong-code': EXIT.wrongCode,
  'attempts-exceeded': EXIT.wrongCode,
  'device-revoked': EXIT.device,
  'not-found': EXIT.device,
  'data-dir-locked': EXIT.locked,
  'storage-error': EXIT.storage,
  'storage-read-only': EXIT.storage,
  'storage-full': EXIT.storage,
  'storage-damaged': EXIT.storage,
  'storage-foreign': EXIT.storage,
  'storage-missing': EXIT.storage,
  'version-mismatch': EXIT.version,
  cancelled: EXIT.cancelled
}

/** For `--help`: the table above as people read it. */
export const EXIT_CODE_HELP = `Exit codes:
  0  ok
  1  internal error (also protocol-error, busy, token-refused)
  2  usage error, invalid argument
  3  invalid code: invalid-word, wrong-word-count, checksum-mismatch, invalid-link
  4  not reached: no-device-waiting, timed-out
  5  code ended: code-expired, code-used, code-cancelled, denied, approval-timed-out
  6  wrong code: wrong-code, attempts-exceeded
  7  device: device-revoked, not-found
  8  data-dir-locked (another Pairwise process owns the data folder)
  9  storage: storage-error, storage-read-only, storage-full, storage-damaged,
     storage-foreign, storage-missing
  10 version-mismatch
  130 cancelled (Ctrl-C or Ctrl-D at a prompt)`
