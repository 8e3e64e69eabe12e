import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../identity/atomic-file.ts'
import { onFile, storageFault } from './storage-fault.ts'

// The data folder remembers that it has held this device's identity and
// registry. Without that memory, a deleted identity.key or a 0-byte registry
// was silently recreated: the device came back as a stranger (or with no
// pairings), answered its paired peers "unknown", and they marked it removed —
// local damage turned into a trust removal on another machine. With it, a
// missing or empty file is a named error and nothing starts, so nothing is
// said to any peer until a person decides (restore the file, or move the
// whole folder aside to start over as a new device).

export const MARKER_FILE = 'pairwise.marker'

/** The files a data folder holds once it has started once, and how each is named to people. */
export const HELD_FILES = {
  identity: { name: 'identity.key', what: "This device's key" },
  registry: { name: 'pairwise.db', what: 'The device registry' },
  secretKey: { name: 'secret.key', what: 'The key file that seals secrets' }
} as const
export type HeldFile = keyof typeof HELD_FILES

const MarkerSchema = z.object({ version: z.literal(1), peerId: z.string().min(1).max(128), createdAt: z.number() })
export type Marker = z.infer<typeof MarkerSchema>

const markerPath = (dataDir: string): string => join(dataDir, MARKER_FILE)

/** Size of a file, or undefined when it does not exist. */
function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

export function readMarker(dataDir: string): Marker | undefined {
  const file = markerPath(dataDir)
  const text = onFile('The data folder marker', file, () => {
    try {
      return readFileSync(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  })
  if (text === undefined) return undefined
  try {
    return MarkerSchema.parse(JSON.parse(text))
  } catch (err) {
    throw storageFault('damaged', 'The data folder marker', file, {
      hint: `Restore it from a backup, or (only if the other files are intact) delete ${MARKER_FILE}: it is written again at the next start.`,
      cause: err
    })
  }
}

export function writeMarker(dataDir: string, peerId: string): void {
  const file = markerPath(dataDir)
  const marker: Marker = { version: 1, peerId, createdAt: Date.now() }
  onFile('The data folder marker', file, () =>
    writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(marker)}\n`))
  )
}

/**
 * Whether this folder has held an identity and a registry before. Folders
 * from before the marker existed count as held when either file is there
 * with content: both are created in the same first start.
 */
export function heldBefore(dataDir: string): boolean {
  if (readMarker(dataDir) !== undefined) return true
  return (['identity', 'registry'] as const).some((f) => (sizeOf(join(dataDir, HELD_FILES[f].name)) ?? 0) > 0)
}

/** Throws storage-missing for the first of `files` that is gone or empty in a folder that held it. */
export function requireHeldFiles(dataDir: string, files: readonly HeldFile[]): void {
  for (const f of files) {
    const file = join(dataDir, HELD_FILES[f].name)
    const size = onFile(HELD_FILES[f].what, file, () => sizeOf(file))
    if (size === undefined || size === 0) {
      throw storageFault('missing', HELD_FILES[f].what, file, { details: { size: size ?? null } })
    }
  }
}

/** identity.key opened, but it is not the key this folder was created with (a key file copied in from elsewhere). */
export function foreignIdentity(dataDir: string, marker: Marker): Error {
  const file = join(dataDir, HELD_FILES.identity.name)
  return storageFault('foreign', HELD_FILES.identity.what, file, {
    message: `This device's key (${file}) is not the one this data folder was created with (peer id ${marker.peerId}).`,
    hint: `Put the original identity.key back. To use this key instead, move the data folder aside and start over (paired devices then need to pair again).`,
    details: { expectedPeerId: marker.peerId }
  })
}
