import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isAppUrl } from './app-origin.ts'
import { CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, createAppRequestHandler, resolveAppFile } from './app-protocol.ts'
import { PERMISSIONS_POLICY as HEADLESS_PERMISSIONS_POLICY } from '../headless/control-server.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const temp = new TempDirs('app-protocol')
const base = temp.make()
const served = path.join(base, 'renderer')
mkdirSync(served)
writeFileSync(path.join(served, 'index.html'), '<!doctype html><title>x</title>')
writeFileSync(path.join(served, 'main.js'), 'export {}')
writeFileSync(path.join(served, 'styles.css'), 'body{}')
writeFileSync(path.join(base, 'secret.txt'), 'outside the renderer folder')
after(temp.removeAll)

const handle = createAppRequestHandler(served)
const get = (url: string, method = 'GET') => handle(new Request(url, { method }))

test('only our exact origin counts as the app', () => {
  assert.ok(isAppUrl('app://pairwise/index.html'))
  assert.ok(isAppUrl('app://pairwise'))
  for (const url of [
    'app://pairwise.evil/index.html',
    'app://evil/pairwise',
    'app://pairwise:8080/',
    'app://x@pairwise/',
    'https://pairwise/',
    'file:///index.html',
    'not a url',
    ''
  ]) {
    assert.equal(isAppUrl(url), false, url)
  }
})

test('serves the renderer with MIME types and the CSP header', async () => {
  const cases: Array<[string, string]> = [
    ['app://pairwise/', 'text/html; charset=utf-8'],
    ['app://pairwise/index.html', 'text/html; charset=utf-8'],
    ['app://pairwise/main.js', 'text/javascript; charset=utf-8'],
    ['app://pairwise/styles.css?v=1#x', 'text/css; charset=utf-8']
  ]
  for (const [url, type] of cases) {
    const response = await get(url)
    assert.equal(response.status, 200, url)
    assert.equal(response.headers.get('content-type'), type, url)
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY)
    assert.equal(response.headers.get('permissions-policy'), PERMISSIONS_POLICY)
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
  }
  assert.equal(await (await get('app://pairwise/main.js')).text(), 'export {}')
  const head = await get('app://pairwise/main.js', 'HEAD')
  assert.equal(head.status, 200)
  assert.equal(await head.text(), '')
})

test('nothing outside the renderer folder is reachable', async () => {
  const attempts = [
    'app://pairwise/../secret.txt',
    'app://pairwise/%2e%2e/secret.txt',
    'app://pairwise/..%2fsecret.txt',
    'app://pairwise/..%2Fsecret.txt',
    'app://pairwise/..%5csecret.txt',
    'app://pairwise/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://pairwise//' + path.join(base, 'secret.txt'),
    'app://pairwise/main.js%00.css',
    'app://pairwise/%E0%A4%A',
    'app://other/index.html',
    'app://pairwise/missing.js'
  ]
  for (const url of attempts) {
    const response = await get(url)
    assert.equal(response.status, 404, url)
    assert.doesNotMatch(await response.text(), /outside the renderer folder/, url)
  }
  assert.equal(
    resolveAppFile(served, 'app://pairwise/../secret.txt'),
    path.join(served, 'secret.txt'),
    'the URL parser already drops dot segments'
  )
  assert.equal(resolveAppFile(served, 'app://pairwise/..%2fsecret.txt'), null)
})

test('other methods are refused', async () => {
  assert.equal((await get('app://pairwise/index.html', 'POST')).status, 405)
})

test('the header CSP is the page’s own policy with connect-src narrowed to self', () => {
  const html = readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8')
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
  assert.ok(meta !== undefined, 'renderer/index.html has a CSP meta tag')
  const directives = (policy: string) =>
    new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values.join(' ')])
    )
  const page = directives(meta)
  const header = directives(CONTENT_SECURITY_POLICY)
  for (const [name, value] of page) {
    assert.equal(header.get(name), name === 'connect-src' ? "'self'" : value, name)
  }
  assert.equal(header.get('object-src'), "'none'")
})

test('the camera is for our page only, as in the headless UI', () => {
  assert.equal(PERMISSIONS_POLICY, HEADLESS_PERMISSIONS_POLICY)
  assert.match(PERMISSIONS_POLICY, /(^|, )camera=\(self\)(,|$)/)
  assert.match(PERMISSIONS_POLICY, /(^|, )microphone=\(\)(,|$)/)
})
