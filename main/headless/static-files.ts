import { readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, relative, sep } from 'node:path'

// The built web UI. Only files that exist under the root when the server
// starts are ever served, looked up by exact path: a request can name
// nothing else (no `..`, no encoded separators, no symlinks followed later).

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
}

const MAX_FILES = 500
const MAX_DEPTH = 4

export interface StaticFiles {
  /** Answers GET/HEAD for a known file; returns false when the path is not one. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>
  readonly count: number
}

export function listStaticFiles(root: string): Map<string, string> {
  const files = new Map<string, string>()
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (files.size >= MAX_FILES) return
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(full, depth + 1)
      else if (entry.isFile() && Object.hasOwn(TYPES, extname(entry.name)))
        files.set('/' + relative(root, full).split(sep).join('/'), full)
    }
  }
  walk(root, 0)
  return files
}

export function staticFiles(root: string): StaticFiles {
  const files = listStaticFiles(root)
  return {
    count: files.size,
    async serve(req, res, pathname) {
      const file = files.get(pathname === '/' ? '/index.html' : pathname)
      if (file === undefined) return false
      let body: Buffer
      try {
        body = await readFile(file)
      } catch {
        return false
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)]!, 'Content-Length': body.length })
      res.end(req.method === 'HEAD' ? undefined : body)
      return true
    }
  }
}
