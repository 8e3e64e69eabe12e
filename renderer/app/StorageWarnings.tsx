import type { StorageWarning } from '../../shared/api.ts'

// What the service repaired on its own at start (a damaged peer-address cache
// rebuilt): nothing to do, but the person should know it happened.
export function StorageWarnings({ warnings }: { warnings: readonly StorageWarning[] | undefined }) {
  if (warnings === undefined || warnings.length === 0) return null
  return (
    <div className="banner-slot" role="status">
      {warnings.map((w) => (
        <p className="banner" key={`${w.code}:${w.file}`} data-testid="storage-warning">
          {w.message}
        </p>
      ))}
    </div>
  )
}
