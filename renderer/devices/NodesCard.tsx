import { useEffect, useState } from 'react'
import type { NodeView } from '../../shared/api.ts'
import { useApi } from '../app/api-context.ts'
import { ErrorNotice } from '../common/ErrorNotice.tsx'
import { InlineField } from '../common/InlineField.tsx'
import { shownError } from '../common/shown-error.ts'
import type { ShownError } from '../common/shown-error.ts'

// Settings: the Pairwise nodes this device uses to reach devices on other
// networks. Adding one is pasting the address `pairwise node` printed.

function statusText(node: NodeView): string {
  if (!node.connected) return 'Not connected'
  return node.relay ? 'Connected · other networks can reach this device through it' : 'Connected'
}

export function NodesCard() {
  const api = useApi()
  const [nodes, setNodes] = useState<NodeView[] | null>(null)
  const [draft, setDraft] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ShownError | null>(null)

  useEffect(() => {
    let live = true
    api.listNodes({}).then(
      (list) => live && setNodes(list),
      (err: unknown) => live && setError(shownError(err))
    )
    const off = api.on('nodes-changed', setNodes)
    return () => {
      live = false
      off()
    }
  }, [api])

  const run = (call: () => Promise<NodeView[]>, after?: () => void): void => {
    setBusy(true)
    setError(null)
    call()
      .then(
        (list) => {
          setNodes(list)
          after?.()
        },
        (err: unknown) => setError(shownError(err))
      )
      .finally(() => setBusy(false))
  }
  const add = (): void => {
    const address = draft.trim()
    if (address === '')
      return setError({ code: 'invalid-argument', message: 'Paste the address that `pairwise node` printed.' })
    run(
      () => api.addNode({ address }),
      () => setDraft('')
    )
  }

  return (
    <section className="nodes" aria-labelledby="heading-nodes">
      <h2 id="heading-nodes">Pairwise nodes</h2>
      <p className="field-help">
        Optional: a meeting point of your own for devices on different networks (another home, the office), instead of
        or besides the public network. Both devices use the same node; anyone can run one with{' '}
        <code>pairwise node</code>.
      </p>
      {nodes !== null && nodes.length === 0 && (
        <p className="empty-line" data-testid="nodes-empty">
          No node added. Devices on other networks meet through the public network while it is on.
        </p>
      )}
      {nodes !== null && nodes.length > 0 && (
        <ul className="node-list" data-testid="node-list">
          {nodes.map((node) => (
            <li key={node.address} className="node-row" data-testid="node-row" data-connected={node.connected}>
              <span className={node.connected ? 'presence-dot online' : 'presence-dot'} aria-hidden="true" />
              <span className="node-address" title={node.address}>
                {node.address}
              </span>
              <span className="node-status">{statusText(node)}</span>
              {node.source === 'setting' ? (
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => run(() => api.removeNode({ address: node.address }))}
                >
                  Remove
                </button>
              ) : (
                <span className="node-source">From the command line</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <InlineField
        id="node-address"
        label="Add a node"
        placeholder="/ip4/203.0.113.7/tcp/4001/p2p/12D3KooW…"
        value={draft}
        disabled={busy}
        spellCheck={false}
        data-testid="node-address"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            add()
          }
        }}
      >
        <button type="button" className="button primary" onClick={add} disabled={busy} data-testid="add-node">
          Add
        </button>
      </InlineField>
      {error !== null && <ErrorNotice error={error} testId="node-error" />}
    </section>
  )
}
