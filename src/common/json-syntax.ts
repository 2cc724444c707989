import type { ParseError } from 'jsonc-parser'

/**
 * Where and why `text` is not valid JSON, without quoting it (a payload may hold personal data);
 * undefined when it is valid. V8's own messages quote the text and often omit the position.
 * Valid JSON costs one JSON.parse; jsonc-parser is loaded only to locate an error.
 */
export async function describeJsonError(text: string): Promise<string | undefined> {
  try {
    JSON.parse(text)
    return undefined
  } catch {
    return locateJsonError(text)
  }
}

async function locateJsonError(text: string): Promise<string> {
  const { parse, printParseErrorCode } = await import('jsonc-parser')
  const errors: ParseError[] = []
  try {
    parse(text, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false
    })
  } catch {
    // The locating parser recurses; hostile nesting can exhaust the stack before it finds the error.
    return 'nested too deeply to locate the error'
  }
  const first = errors[0]
  if (!first) return 'not valid JSON'
  const before = text.slice(0, first.offset)
  const line = before.split('\n').length
  const column = first.offset - before.lastIndexOf('\n')
  const reason = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return `${reason} at line ${line}, column ${column} (position ${first.offset})`
}
