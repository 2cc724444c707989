import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTransport } from '../../src/transport/http.js'
import { readText } from '../../src/transport/response-body.js'

// http-client passes "[::1]" with its brackets to Node, which looks it up in DNS; the transport
// must dial the address itself and still send a bracketed Host header.

let server: Server
let port: number
const hosts: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    hosts.push(req.headers.host ?? '')
    res.setHeader('Content-Type', 'application/json')
    res.end('{"ok":true}')
  })
  await new Promise<void>(resolve => server.listen(0, '::1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

describe('createTransport with an IPv6 literal', () => {
  it('reaches http://[::1]:<port> and sends Host: [::1]:<port>', async () => {
    const transport = createTransport({ timeoutMs: 5_000, followRedirects: false })
    try {
      const response = await transport.send({
        method: 'GET',
        url: `http://[::1]:${port}/api/services`,
        headers: {}
      })
      expect(response.status).toBe(200)
      expect(await readText(response.body, 5_000)).toBe('{"ok":true}')
      expect(hosts).toEqual([`[::1]:${port}`])
    } finally {
      transport.close()
    }
  })
})
