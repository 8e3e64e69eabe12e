// A video file of a QR code for Chromium's fake camera
// (--use-file-for-fake-video-capture=<file>.y4m): the QR code is the real
// qrcode package's (the one the Pair screen draws with), and only the raw
// YUV4MPEG2 container is written here. Chromium loops the file.
import { writeFileSync } from 'node:fs'
import QRCode from 'qrcode'

export interface QrVideoOptions {
  width?: number
  height?: number
  frames?: number
  /** Modules of white border around the code, as the QR standard asks (4). */
  quietZone?: number
}

/** Writes a still picture of `text` as a QR code, repeated `frames` times, to `file` (4:2:0, full range). */
export function writeQrVideo(file: string, text: string, options: QrVideoOptions = {}): void {
  const { width = 640, height = 480, frames = 5, quietZone = 4 } = options
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const span = modules.size + 2 * quietZone
  // The code fills about 3/4 of the shorter side, as if held up to a laptop camera.
  const scale = Math.floor((Math.min(width, height) * 0.75) / span)
  const left = Math.floor((width - span * scale) / 2)
  const top = Math.floor((height - span * scale) / 2)

  // Luma: a grey room (128) around a white card with black modules. Chroma: neutral.
  const luma = Buffer.alloc(width * height, 128)
  for (let y = 0; y < span * scale; y++) {
    for (let x = 0; x < span * scale; x++) {
      const row = Math.floor(y / scale) - quietZone
      const col = Math.floor(x / scale) - quietZone
      const dark = row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col) === 1
      luma[(top + y) * width + left + x] = dark ? 0 : 255
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)
  writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]))
}
