import { describe, expect, it } from '@jest/globals'
import {
  describeHttpFailure,
  describeTransportFailure,
  httpFailure,
  serviceMessage
} from '../../src/common/failure-message.js'
import { maskSecret } from '../../src/common/secrets.js'

const MiB = 1024 * 1024

describe('serviceMessage', () => {
  it("takes F&O's Message and ExceptionType", () => {
    expect(
      serviceMessage('{"Message":"Value cannot be null.","ExceptionType":"ArgumentNullException"}')
    ).toBe('Value cannot be null. (ArgumentNullException)')
  })

  it('takes a lower-case message', () => {
    expect(serviceMessage('{"message":"Rate limit is exceeded."}')).toBe('Rate limit is exceeded.')
  })

  it("takes OData's error.message", () => {
    expect(
      serviceMessage(
        '{"error":{"code":"","message":"No HTTP resource was found that matches the request URI."}}'
      )
    ).toBe('No HTTP resource was found that matches the request URI.')
  })

  it("takes Entra ID's error_description over the error code", () => {
    expect(
      serviceMessage(
        '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: 1"}'
      )
    ).toBe('AADSTS7000215: Invalid client secret provided. Trace ID: 1')
  })

  it('takes the error code when there is no description', () => {
    expect(serviceMessage('{"error":"invalid_request"}')).toBe('invalid_request')
  })

  it('takes the title of an HTML page', () => {
    expect(
      serviceMessage(
        '<!DOCTYPE html><html><head><title>503 - Service Unavailable</title></head><body><h1>Down</h1></body></html>'
      )
    ).toBe('503 - Service Unavailable')
  })

  it('takes the text of HTML without a title', () => {
    expect(serviceMessage('<html><body><h1>Bad</h1>\n<p>Request</p></body></html>')).toBe(
      'Bad Request'
    )
  })

  it('collapses newlines in plain text', () => {
    expect(serviceMessage('first line\r\n   second line\n\nthird')).toBe(
      'first line second line third'
    )
  })

  it('shortens long text to 300 characters ending in …', () => {
    const message = serviceMessage('x'.repeat(5_000))
    expect(message).toHaveLength(300)
    expect(message).toBe(`${'x'.repeat(299)}…`)
  })

  it('keeps text of exactly 300 characters whole', () => {
    expect(serviceMessage('y'.repeat(300))).toBe('y'.repeat(300))
  })

  it.each(['', '   ', '{}', '[1,2]', '{"Message":42}'])('finds nothing in %j', body => {
    expect(serviceMessage(body)).toBe('')
  })
})

describe('describeHttpFailure', () => {
  it('names method, URL, status and the service message on one line', () => {
    expect(
      describeHttpFailure(
        'POST',
        'https://h/api/services/G/S/O',
        400,
        '{"Message":"Bad\\r\\npayload"}'
      )
    ).toBe('POST https://h/api/services/G/S/O failed: HTTP 400 Bad Request — Bad payload')
  })

  it('removes the query from the URL', () => {
    const line = describeHttpFailure('GET', 'https://h/api/services/G?sig=secret#x', 502, '')
    expect(line).toBe('GET https://h/api/services/G failed: HTTP 502 Bad Gateway')
    expect(line).not.toContain('secret')
  })

  it('names an unusual status by its number only', () => {
    expect(describeHttpFailure('GET', 'https://h/x', 418, '')).toBe(
      'GET https://h/x failed: HTTP 418'
    )
  })

  it('puts the hint after the service message', () => {
    expect(describeHttpFailure('GET', 'https://h/x', 404, 'nothing here')).toBe(
      "GET https://h/x failed: HTTP 404 Not Found — nothing here — no such service: check 'service-name' " +
        '(list what the environment offers with service-name set to a service group)'
    )
  })
})

describe('describeTransportFailure', () => {
  it('replaces Node 24’s advice to pass a command-line flag, which a step cannot do', () => {
    const error = Object.assign(
      new Error(
        'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca'
      ),
      { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }
    )
    expect(describeTransportFailure('GET', 'https://h/x', error)).toMatch(
      /^GET https:\/\/h\/x failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate — the server's certificate is not trusted: .*NODE_EXTRA_CA_CERTS/
    )
  })

  it('says how to trust a private CA when the certificate chain is not trusted', () => {
    const error = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN'
    })
    expect(describeTransportFailure('POST', 'https://h/x', error)).toBe(
      "POST https://h/x failed: SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain — the server's " +
        'certificate is not trusted: behind a TLS-inspecting proxy or with a private CA, set NODE_EXTRA_CA_CERTS to its CA file for the job'
    )
  })

  it('prefixes the error code when the message lacks it', () => {
    const error = Object.assign(new Error('getaddrinfo failed'), { code: 'ENOTFOUND' })
    expect(describeTransportFailure('GET', 'https://h/x?a=b', error)).toBe(
      'GET https://h/x failed: ENOTFOUND: getaddrinfo failed'
    )
  })

  it('puts a multi-line message on one line', () => {
    expect(
      describeTransportFailure('POST', 'https://h/x', new Error('TLS\n  handshake failed'))
    ).toBe('POST https://h/x failed: TLS handshake failed')
  })

  it('copes with something that is not an Error', () => {
    expect(describeTransportFailure('GET', 'https://h/x', 'boom')).toBe(
      'GET https://h/x failed: boom'
    )
    expect(describeTransportFailure('GET', 'https://h/x', null)).toBe(
      'GET https://h/x failed: null'
    )
  })
})

describe('serviceMessage on hostile bodies', () => {
  // Each took minutes or hours when a pattern ran on the whole body (quadratic backtracking).
  it.each([
    ['10 MiB of <', '<'.repeat(10 * MiB)],
    ['<title without an end', '<title'.repeat((2 * MiB) / 6)],
    ['white space without a line break', `a${' '.repeat(10 * MiB)}b`],
    ['white space between line breaks', `a${' \n'.repeat(5 * MiB)}b`],
    [
      'a JSON message of 10 MiB of white space',
      JSON.stringify({ Message: ' '.repeat(10 * MiB) + 'x' })
    ],
    ['a tag that never closes', `<a ${'b'.repeat(10 * MiB)}`]
  ])('%s: a line in well under a second', (_name, body) => {
    const started = performance.now()
    const message = serviceMessage(body)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(message.length).toBeLessThanOrEqual(300)
  })

  it('scrubs an echoed secret before it shortens the message', () => {
    const secret = 'echoed-client-secret~0123456789abcdefghij.KLMNOP'
    maskSecret(secret)
    const message = serviceMessage(
      JSON.stringify({ Message: `${'m'.repeat(280)} ${secret} ${encodeURIComponent(secret)}` })
    )
    expect(message).toBe(`${'m'.repeat(280)} *** ***`)
    const cutInside = serviceMessage(`${'t'.repeat(270)} ${secret}`)
    expect(cutInside).toBe(`${'t'.repeat(270)} ***`)
    // A body that was itself cut inside the secret: the cut to 300 leaves its first 8 characters.
    expect(serviceMessage(`${'t'.repeat(290)} ${secret.slice(0, 30)}`)).toBe(
      `${'t'.repeat(290)} ***…`
    )
  })
})

describe('httpFailure', () => {
  it('keeps a line without the body for mask-response when the body gave a message', () => {
    expect(httpFailure('POST', 'https://h/x', 500, '{"Message":"secret order 42"}')).toEqual({
      kind: 'http',
      status: 500,
      message: 'POST https://h/x failed: HTTP 500 Internal Server Error — secret order 42',
      withoutBody: 'POST https://h/x failed: HTTP 500 Internal Server Error'
    })
  })

  it('has no separate line when the body gave nothing', () => {
    expect(httpFailure('GET', 'https://h/x', 502, '')).toEqual({
      kind: 'http',
      status: 502,
      message: 'GET https://h/x failed: HTTP 502 Bad Gateway'
    })
  })
})
