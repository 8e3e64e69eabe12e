import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DeviceInfoSchema, LocalDeviceNameSchema } from './device.ts'
import { cleanDeviceName, deviceNameProblem, MAX_DEVICE_NAME } from './device-name.ts'

const info = (name: string) => ({ name, os: 'Linux', appVersion: '1.0.0', addresses: [] })

describe('device names', () => {
  it('refuse control, line-separator and bidi characters, broken text, non-NFC and overlong names', () => {
    const hostile = [
      'Evil\x1b[2J\x1b[HPaired with Your Bank',
      'a\rb',
      'a\nb',
      'a\u0085b',
      'a\u009bb',
      'a\u2028b',
      'invoice\u202etxt.exe',
      'a\u2066b\u2069',
      'a\u200fb',
      'a\ud800b',
      'Cafe\u0301',
      'x'.repeat(MAX_DEVICE_NAME + 1),
      '   ',
      ' padded '
    ]
    for (const name of hostile) {
      assert.ok(deviceNameProblem(name) !== undefined, JSON.stringify(name))
      assert.equal(DeviceInfoSchema.safeParse(info(name)).success, false, JSON.stringify(name))
    }
    for (const name of ['Alice’s laptop', 'Café', '東京のデスクトップ', '👩‍💻 work', 'x'.repeat(MAX_DEVICE_NAME)]) {
      assert.equal(deviceNameProblem(name), undefined, name)
      assert.equal(DeviceInfoSchema.parse(info(name)).name, name, 'a network name is never rewritten')
    }
  })

  it('a typed name is put in NFC and trimmed, then checked', () => {
    assert.equal(LocalDeviceNameSchema.parse('  Cafe\u0301 '), 'Café')
    assert.equal(LocalDeviceNameSchema.safeParse('Bank\x1b[2J').success, false)
  })

  it('an unchecked name (host name, an old stored row) is cleaned rather than refused', () => {
    assert.equal(cleanDeviceName('Evil\x1b[2J\u202e box'), 'Evil[2J box')
    assert.equal(cleanDeviceName('\x07\x1b'), 'My device')
    assert.equal(cleanDeviceName('y'.repeat(200)).length, MAX_DEVICE_NAME)
  })
})
