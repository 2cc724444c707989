import * as core from '@actions/core'
import { headOf } from './untrusted-text.js'

// Every registered secret with the forms a server may echo it in, so messages can be scrubbed.
const known = new Map<string, readonly string[]>()
// Every form of every secret, longest first (so the longer of two overlapping secrets goes whole).
let forms: readonly string[] = []

// One or two characters would mask ordinary log text; no real secret line is that short.
const MinSecretChars = 3

/**
 * Registers a secret with the runner (`::add-mask::`), line by line, and remembers it for `scrub`.
 * Call it the moment a secret exists, before anything else is logged.
 */
export function maskSecret(value: string | undefined): void {
  if (!value) return
  for (const line of value.split(/[\r\n]+/)) {
    const trimmed = line.trim()
    if (trimmed.length < MinSecretChars || known.has(trimmed)) continue
    known.set(trimmed, echoForms(trimmed))
    forms = [...known.values()].flat().sort((a, b) => b.length - a.length)
    core.setSecret(trimmed)
  }
}

// The lines of a multi-line response registered at most, and the shortest line registered:
// every mask hides its text everywhere in the job's log, so `{`, `true,` or a thousand lines
// would leave the log unreadable.
const MaxResponseMaskLines = 100
const MinResponseLineChars = 8

/** What `maskResponse` registered. */
export interface ResponseMasks {
  /** `::add-mask::` commands issued. */
  readonly registered: number
  /** Distinct lines of 8+ characters left unregistered past the limit of 100. */
  readonly skipped: number
}

/**
 * mask-response: registers the response body with the runner as one secret. The runner splits
 * a multi-line mask into lines itself, `{` and `true,` included, so a body of several lines is
 * registered as its distinct lines of 8+ characters instead, at most 100. The body is not kept
 * for `scrub`: no message is built from a masked body in the first place.
 */
export function maskResponse(text: string): ResponseMasks {
  const body = text.trim()
  if (body.length < MinSecretChars) return { registered: 0, skipped: 0 }
  if (!/[\r\n]/.test(body)) {
    core.setSecret(body)
    return { registered: 1, skipped: 0 }
  }
  const lines = new Set(
    body
      .split(/[\r\n]+/)
      .map(line => line.trim())
      .filter(line => line.length >= MinResponseLineChars)
  )
  let registered = 0
  for (const line of lines) {
    if (registered === MaxResponseMaskLines) break
    core.setSecret(line)
    registered++
  }
  return { registered, skipped: lines.size - registered }
}

/** Replaces every registered secret in `text` with `***`: as is, and as a server may echo it. */
export function scrub(text: string): string {
  let result = text
  for (const form of forms) {
    if (result.includes(form)) result = result.split(form).join('***')
  }
  return result
}

/**
 * Scrubs, then cuts to at most `max` characters (ending in `…` when cut). A secret's beginning
 * (3+ characters) that the cut leaves at the end is scrubbed too; pass `truncated` when `text`
 * itself was already cut, so its end is treated the same. Only the first `max` characters plus
 * the longest secret are looked at, so any length of text costs the same.
 */
export function scrubAndCut(text: string, max: number, truncated = false): string {
  const window = text.slice(0, max + (forms[0]?.length ?? 0))
  const clean = scrub(window)
  if (!truncated && window.length === text.length && clean.length <= max) return clean
  return `${scrubCutEnd(headOf(clean, max - 1))}…`
}

/** `text`, cut short, with the beginning of a secret (3+ characters) at its end replaced by `***`. */
export function scrubCutEnd(text: string): string {
  let end = text.length
  for (const form of forms) {
    for (let at = Math.max(0, text.length - form.length + 1); at <= end - MinSecretChars; at++) {
      if (text.charCodeAt(at) === form.charCodeAt(0) && form.startsWith(text.slice(at))) {
        end = at
        break
      }
    }
  }
  return end < text.length ? `${text.slice(0, end)}***` : text
}

/**
 * How a server may echo a secret: URL-encoded (as MSAL sends it, and form-encoded with `+`
 * for space), either case of hex; HTML- and JSON-escaped; and base64 at each of the three byte
 * alignments it can take inside a longer encoded text (the characters that depend on the
 * secret alone), standard and URL-safe.
 */
function echoForms(secret: string): string[] {
  const html = secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
  const all = new Set([
    secret,
    html,
    html.replace(/&#39;/g, '&#x27;'),
    ...jsonEscaped(secret),
    ...percentEncoded(secret).flatMap(form => [
      form,
      form.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase())
    ]),
    ...base64Fragments(secret)
  ])
  return [...all].filter(form => form.length >= MinSecretChars)
}

/**
 * A secret inside a JSON string, as serialisers write it: `"` and `\` escaped (JavaScript,
 * Json.NET); also every non-ASCII character as `\u00e9` (Python's ensure_ascii), and, as
 * System.Text.Json's default encoder does, `"&'+<>\`` and non-ASCII as upper-case `\u0022`.
 */
function jsonEscaped(secret: string): string[] {
  const plain = JSON.stringify(secret).slice(1, -1)
  const unicode = (char: string, upper: boolean): string => {
    const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
    return `\\u${upper ? hex.toUpperCase() : hex}`
  }
  return [
    plain,
    plain.replace(/[^ -\u007f]/g, char => unicode(char, false)),
    plain.replace(/\\"/g, '"').replace(/[^ -\u007f]|["&'+<>`]/g, char => unicode(char, true))
  ]
}

function percentEncoded(secret: string): string[] {
  const encoded = [new URLSearchParams({ s: secret }).toString().slice(2)]
  try {
    encoded.push(encodeURIComponent(secret))
  } catch {
    // A lone surrogate: no server can have received it URL-encoded this way.
  }
  return encoded
}

// Shorter runs of base64 could turn up in ordinary text by chance.
const MinBase64Chars = 8

function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const fragments: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    // Character i holds bits 6i…6i+5; the secret holds bits 8·shift…8·(shift+length)-1.
    const fragment = encoded.slice(
      Math.ceil((shift * 4) / 3),
      Math.floor(((shift + bytes.length) * 4) / 3)
    )
    if (fragment.length >= MinBase64Chars) {
      fragments.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'))
    }
  }
  return fragments
}
