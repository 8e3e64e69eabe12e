import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXIT, EXIT_CODE_FOR } from '../../headless/exit-codes.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { fromFsError, storageFault } from './storage-fault.ts'

const fsError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code })

describe('storage faults', () => {
  it('each cause has its own code, names the file, and exits 9', () => {
    const cases: Array<[string, string]> = [
      ['EROFS', 'storage-read-only'],
      ['EACCES', 'storage-read-only'],
      ['EPERM', 'storage-read-only'],
      ['ENOSPC', 'storage-full'],
      ['EDQUOT', 'storage-full'],
      ['EIO', 'storage-error']
    ]
    for (const [errno, code] of cases) {
      const err = fromFsError(fsError(errno), 'The device registry', '/data/pairwise.db')
      assert.ok(err instanceof PairwiseError, errno)
      assert.equal(err.code, code, errno)
      assert.match(err.message, /\/data\/pairwise\.db/)
      assert.equal(err.details?.file, '/data/pairwise.db')
      assert.equal(EXIT_CODE_FOR[err.code], EXIT.storage)
    }
    const other = fsError('ENOENT')
    assert.equal(fromFsError(other, 'x', '/f'), other, 'not a storage cause: passed through')
  })

  it('missing and foreign say what to do', () => {
    for (const cause of ['missing', 'foreign', 'damaged'] as const) {
      const err = storageFault(cause, 'The device registry', '/d/pairwise.db')
      assert.ok((err.hint ?? '').length > 20)
      assert.equal(EXIT_CODE_FOR[err.code], EXIT.storage)
    }
  })
})
