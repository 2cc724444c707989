// @ts-check
/**
 * A loopback HTTP CONNECT proxy that sends every tunnel to one local port, whatever host was
 * asked for. With the simulator's certificate covering login.microsoftonline.com (and the US Gov
 * and China hosts), the action can keep `authority-host` at a real cloud, so MSAL takes the
 * known-cloud metadata path, while its requests still land on the simulator.
 * @module
 */
import { createServer } from 'node:http'
import { connect } from 'node:net'

/**
 * @typedef {object} RedirectProxy
 * @property {string} url `http://127.0.0.1:<port>`, for HTTPS_PROXY.
 * @property {string[]} tunnels The `host:port` of every CONNECT, in order.
 * @property {() => Promise<void>} close
 */

/**
 * Starts the proxy on 127.0.0.1.
 * @param {number} targetPort Port on 127.0.0.1 every tunnel goes to.
 * @returns {Promise<RedirectProxy>}
 */
export async function startRedirectProxy(targetPort) {
  /** @type {string[]} */
  const tunnels = []
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set()
  const server = createServer((_req, res) => {
    res.writeHead(405, { 'Content-Type': 'text/plain' }).end('CONNECT only')
  })
  server.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '')
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('The redirect proxy has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}
