// A small RAM file system for storage-fault tests: a real full disk (ENOSPC,
// SQLITE_FULL) and a real read-only mount (EROFS), without filling or
// remounting anything that matters. Needs root (mount); suites skip otherwise.
// Every mount is unmounted by `unmount()`, which the suite calls in after().
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { makeTempDir, removeTempDir } from './temp-dirs.ts'

export interface Tmpfs {
  dir: string
  remountReadOnly(): void
  /** Writes a filler file until the disk refuses (bounded by the mount's size). */
  fill(): void
  unmount(): void
}

export function canMount(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0
}

export function mountTmpfs(sizeKiB: number): Tmpfs {
  const dir = makeTempDir('tmpfs')
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8'
  })
  if (mount.status !== 0) {
    removeTempDir(dir)
    throw new Error(`mount tmpfs failed: ${mount.stderr}`)
  }
  let mounted = true
  return {
    dir,
    remountReadOnly() {
      const r = spawnSync('mount', ['-o', 'remount,ro', dir], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`remount ro failed: ${r.stderr}`)
    },
    fill() {
      const fd = openSync(join(dir, 'filler'), 'a')
      const chunk = Buffer.alloc(16 * 1024, 1)
      try {
        // At most the whole mount, one chunk at a time; ENOSPC ends it.
        for (let i = 0; i <= sizeKiB / 16 + 1; i++) writeSync(fd, chunk)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
      } finally {
        closeSync(fd)
      }
      // The last partial page too.
      const small = openSync(join(dir, 'filler-tail'), 'a')
      try {
        for (let i = 0; i < 4096; i++) writeSync(small, Buffer.alloc(64, 1))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
      } finally {
        closeSync(small)
      }
    },
    unmount() {
      if (!mounted) return
      mounted = false
      spawnSync('umount', ['-l', dir])
      removeTempDir(dir)
    }
  }
}
