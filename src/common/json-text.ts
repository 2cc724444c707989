/**
 * JSON from a server or a file can nest as deep as its size allows (a 60 KB `[[[[…]]]]`), and
 * every recursive walk of it — JSON.stringify, a recursive parser — overflows the stack long
 * before that. These helpers read and write such JSON without recursion, in time linear in the
 * text they look at.
 * @module
 */

/** Deeper JSON than this is refused where a recursive parser must read it (payloads, call lines). */
export const MaxJsonDepth = 512

/**
 * How deeply `text` nests its arrays and objects, read in one linear pass (brackets inside
 * strings do not count). Stops counting, and returns, once `stopAt` is passed.
 */
export function jsonDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i++
      else if (code === 0x22) inString = false
    } else if (code === 0x22) {
      inString = true
    } else if (code === 0x5b || code === 0x7b) {
      depth++
      if (depth > deepest) {
        deepest = depth
        if (deepest > stopAt) return deepest
      }
    } else if (code === 0x5d || code === 0x7d) {
      depth--
    }
  }
  return deepest
}

/** A value as JSON, at most about `maxChars` long: the text, and whether it was cut. */
export interface JsonHead {
  readonly text: string
  readonly truncated: boolean
}

type Frame =
  | { readonly close: ']'; readonly items: readonly unknown[]; next: number }
  | { readonly close: '}'; readonly items: readonly [string, unknown][]; next: number }

/**
 * The first `maxChars` characters (or a little more) of `JSON.stringify(value)`, written without
 * recursion, so a value nested any depth costs no more stack than a flat one, and a huge value
 * no more time than its first `maxChars` characters. `undefined` is written as `null`.
 */
export function jsonHead(value: unknown, maxChars: number): JsonHead {
  let text = ''
  const stack: Frame[] = []
  const write = (item: unknown): void => {
    if (Array.isArray(item)) {
      text += '['
      stack.push({ close: ']', items: item, next: 0 })
    } else if (typeof item === 'object' && item !== null) {
      text += '{'
      stack.push({
        close: '}',
        items: Object.entries(item).filter(([, field]) => field !== undefined),
        next: 0
      })
    } else {
      // A leaf: JSON.stringify does not recurse into strings, numbers, booleans or null.
      text += JSON.stringify(item) ?? 'null'
    }
  }
  write(value)
  while (stack.length > 0) {
    if (text.length > maxChars) return { text, truncated: true }
    const frame = stack[stack.length - 1]
    if (frame.next >= frame.items.length) {
      text += frame.close
      stack.pop()
      continue
    }
    if (frame.next > 0) text += ','
    if (frame.close === '}') {
      const [key, field] = frame.items[frame.next++]
      text += `${JSON.stringify(key)}:`
      write(field)
    } else {
      write(frame.items[frame.next++])
    }
  }
  return { text, truncated: false }
}

/**
 * Valid JSON text as one line of JSON Lines: a raw CR or LF in valid JSON can only be white
 * space between tokens (never inside a string), so it becomes a space and the value is the same.
 */
export function jsonOnOneLine(json: string): string {
  return json.replace(/[\r\n]+/g, ' ')
}
