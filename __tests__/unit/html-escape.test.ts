import { describe, expect, it } from '@jest/globals'
import { escapeHtml, escapeHtmlCell } from '../../src/report/html-escape.js'

const Hostile = `<img src=x onerror=alert(1)> & "q" 's' @octocat &amp;`

describe('escapeHtml', () => {
  it('escapes &, < and > (an entity written by the server stays text), and nothing else', () => {
    expect(escapeHtml(Hostile)).toBe(
      `&lt;img src=x onerror=alert(1)&gt; &amp; "q" 's' @octocat &amp;amp;`
    )
  })
})

describe('escapeHtmlCell', () => {
  it('also escapes quotes and @, so a cell closes no attribute and mentions no one', () => {
    expect(escapeHtmlCell(Hostile)).toBe(
      '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;s&#39; &#64;octocat &amp;amp;'
    )
  })
})
