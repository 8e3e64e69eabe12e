import '../shared/zod-config.ts'
import { createRoot } from 'react-dom/client'
import { App } from './app/App.tsx'
import { StartupError } from './app/StartupError.tsx'
import { AccessRefused } from './app/AccessRefused.tsx'
import { connectApi } from './api/client.ts'
import { openedLinkSource, takeLinkFromAddress } from './app/opened-links.ts'
import { shownError } from './common/shown-error.ts'

const root = createRoot(document.getElementById('root')!)
// First, before the token is taken from the address: neither may linger in the address bar.
const links = openedLinkSource(takeLinkFromAddress())

async function start(): Promise<void> {
  try {
    const client = await connectApi()
    root.render(<App client={client} links={links} />)
  } catch (err) {
    const error = shownError(err)
    // A stale token is not "cannot reach": Pairwise runs, and the person needs its current link.
    if (error.code === 'token-refused') root.render(<AccessRefused error={error} onRetry={() => void start()} />)
    else root.render(<StartupError error={error} onRetry={() => void start()} />)
  }
}

void start()
