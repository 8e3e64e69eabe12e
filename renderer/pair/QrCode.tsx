import { useEffect, useState } from 'react'
import QRCode from 'qrcode'

// An <img> of an SVG data URL: the CSP forbids inline styles, and this needs none.
export function QrCode({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => {
        if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`)
      },
      (err: unknown) => console.warn('Pairwise: could not draw the QR code', err)
    )
    return () => {
      live = false
    }
  }, [text])
  if (src === null) return <div className="qr qr-placeholder" />
  return <img className="qr" src={src} alt={label} data-testid="session-qr" />
}
