import { useState } from 'react'
import type { KeyboardEvent } from 'react'
import type { ThisDevice } from '../../shared/api.ts'
import { MAX_DEVICE_NAME } from '../../shared/device.ts'
import { useApi } from '../app/api-context.ts'
import { InlineField } from '../common/InlineField.tsx'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'

const PROTECTION_NOTICE: Partial<Record<ThisDevice['secretProtection'], string>> = {
  'basic-text': 'Secrets are not protected by an OS keyring on this system',
  'file-permissions': 'Secrets are kept in files only your user account can read',
  memory: 'Secrets are kept in memory only and are forgotten when Pairwise stops'
}

interface Props {
  device: ThisDevice
  onChanged: (device: ThisDevice) => void
}

export function ThisDeviceCard({ device, onChanged }: Props) {
  const api = useApi()
  // null while not editing, so that a rename made elsewhere (CLI, another window) shows up.
  const [draft, setDraft] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ShownError | null>(null)
  // Said until the next edit: the field itself looks the same before and after a save.
  const [saved, setSaved] = useState(false)
  const value = draft ?? device.name
  const dirty = draft !== null && draft !== device.name

  const cancel = (): void => {
    setDraft(null)
    setError(null)
  }
  const save = (): void => {
    if (!dirty || busy) return cancel()
    const name = value.trim()
    if (name === '') return setError({ code: 'invalid-argument', message: 'A device name cannot be empty.' })
    setBusy(true)
    setError(null)
    api
      .renameDevice({ name })
      .then(
        (updated) => {
          onChanged(updated)
          setDraft(null)
          setSaved(true)
        },
        (err: unknown) => setError(shownError(err))
      )
      .finally(() => setBusy(false))
  }
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault()
      save()
    } else if (e.key === 'Escape') {
      e.preventDefault()
      cancel()
    }
  }

  const protection = PROTECTION_NOTICE[device.secretProtection]
  return (
    <div className="this-device">
      <InlineField
        id="this-device-name"
        label="This device's name"
        value={value}
        maxLength={MAX_DEVICE_NAME}
        disabled={busy}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? 'this-device-name-error' : 'this-device-name-help'}
        data-testid="this-device-name"
        onChange={(e) => {
          setSaved(false)
          setDraft(e.target.value)
        }}
        onKeyDown={onKeyDown}
      >
        {dirty && (
          <>
            <button
              type="button"
              className="button primary"
              onClick={save}
              disabled={busy}
              data-testid="save-device-name"
            >
              Save
            </button>
            <button type="button" className="button" onClick={cancel} disabled={busy}>
              Cancel
            </button>
          </>
        )}
      </InlineField>
      {error !== null ? (
        <p id="this-device-name-error" className="field-error" role="alert">
          {error.message}
        </p>
      ) : saved ? (
        <p id="this-device-name-help" className="field-saved" role="status" data-testid="device-name-saved">
          Saved. Paired devices that are online see the new name now; the others at their next contact.
        </p>
      ) : (
        <p id="this-device-name-help" className="field-help">
          Other devices see this name. Enter saves, Escape cancels.
        </p>
      )}
      <p className="fingerprint-line">
        Fingerprint{' '}
        <span className="fingerprint" data-testid="this-device-fingerprint">
          {device.fingerprint}
        </span>
      </p>
      {protection !== undefined && (
        <p className="notice notice-warning" data-testid="secret-protection">
          {protection}
        </p>
      )}
    </div>
  )
}
