import jsQRModule from 'jsqr'

// QR decoding is jsQR's (pure JavaScript, so the CSP needs no 'wasm-unsafe-eval'); the text it
// returns is untrusted and goes through readOpenedLink like any other link.

// jsqr is CommonJS whose types declare `export default`: TypeScript's NodeNext default import is
// module.exports, so the function is its `.default` (jsqr sets module.exports.default to itself).
const jsQR = jsQRModule.default

/** The text of a QR code in the frame, or null when none can be read. */
export function decodeQr(frame: ImageData): string | null {
  // The Pair screen draws dark on light; 'attemptBoth' also reads a code shown in a dark theme.
  const code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' })
  return code === null || code.data === '' ? null : code.data
}
