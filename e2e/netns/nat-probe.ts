// A tiny TCP probe that nat-lab.test.ts runs inside lab namespaces (node:net only).
//   serve <ip> <port>                      answer each connection with "<remote address> <remote port>\n";
//                                          print {"listening":port}; exit after 120 s at the latest
//   connect <timeoutMs> <localPort|0> <ip:port>...
//                                          connect to every target at once from one local address and
//                                          port (0 = any); print one JSON array of
//                                          {target, ok, seenAddress?, seenPort?, localPort?, error?}
import { connect, createServer, type Socket } from 'node:net'

const [mode, ...rest] = process.argv.slice(2)

if (mode === 'serve') {
  const [host, port] = rest as [string, string]
  const server = createServer((socket: Socket) => {
    socket.on('error', () => {})
    socket.end(`${socket.remoteAddress} ${socket.remotePort}\n`)
  })
  server.listen({ host, port: Number(port) }, () => {
    process.stdout.write(JSON.stringify({ listening: Number(port) }) + '\n')
  })
  // Stay alive for at most 120 s even when the parent forgets us.
  setTimeout(() => process.exit(0), 120_000)
} else if (mode === 'connect') {
  const [timeoutMs, localPort, ...targets] = rest as [string, string, ...string[]]
  const once = (target: string): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      const [host, port] = target.split(':') as [string, string]
      let data = ''
      const options = { host, port: Number(port), ...(Number(localPort) > 0 ? { localPort: Number(localPort) } : {}) }
      const socket = connect(options)
      const done = (result: Record<string, unknown>): void => {
        clearTimeout(timer)
        socket.destroy()
        resolve({ target, ...result })
      }
      const timer = setTimeout(() => done({ ok: false, error: 'timeout' }), Number(timeoutMs))
      socket.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: err.code ?? err.message }))
      socket.on('data', (d: Buffer) => {
        data += d.toString()
        if (!data.includes('\n')) return
        const [seenAddress, seenPort] = data.trim().split(' ')
        done({ ok: true, seenAddress, seenPort: Number(seenPort), localPort: socket.localPort })
      })
    })
  const results = await Promise.all(targets.map(once))
  process.stdout.write(JSON.stringify(results) + '\n')
  process.exit(0)
} else {
  process.stderr.write(`usage: nat-probe.ts serve <ip> <port> | connect <timeoutMs> <localPort> <ip:port>...\n`)
  process.exit(2)
}
