/**
 * What a JMESPath check says before it runs: whether it is valid (and where it is not), whether
 * it uses a bare `true`, `false` or `null` (a field name in JMESPath, not a value), and which
 * field names it reads from the answer, to compare them with the answer's keys.
 * @module
 */
import { boundedMemo } from '../common/bounded-memo.js'
import { oneLine } from '../common/errors.js'

type Jmespath = typeof import('@jmespath-community/jmespath')
let jmespath: Promise<Jmespath> | undefined

/** JMESPath is loaded only when an expression is given, so a plain call never pays for it. */
export function loadJmespath(): Promise<Jmespath> {
  jmespath ??= import('@jmespath-community/jmespath')
  return jmespath
}

// Written bare, these are field names; PowerShell's $false and JSON's false read the same.
const LiteralWords = new Set(['true', 'false', 'null'])

/**
 * Why `expression` cannot be used as a check (one line), or undefined when it can: a syntax
 * error with its position, or a bare `true`/`false`/`null` with the expression as it should be.
 */
export async function expressionProblem(expression: string): Promise<string | undefined> {
  const { compile, tokenize } = await loadJmespath()
  try {
    compile(expression)
  } catch (error) {
    const at = errorPosition(expression, tokenize, compile)
    return `${cut(oneLine(error), 160)} at character ${at + 1}${pointer(expression, at)}`
  }
  const bare = tokenize(expression).filter(
    token => token.type === 'UnquotedIdentifier' && LiteralWords.has(String(token.value))
  )
  if (bare.length === 0) return undefined
  let fixed = expression
  for (const token of [...bare].reverse()) {
    const word = String(token.value)
    fixed = `${fixed.slice(0, token.start)}\`${word}\`${fixed.slice(token.start + word.length)}`
  }
  const word = String(bare[0].value)
  return (
    `a bare ${word} is a field name in JMESPath (null on an F&O answer), not the value ${word}; ` +
    `write literals in backticks: ${cut(fixed, 200)} (a field really named ${word} is written "${word}")`
  )
}

/** What a message adds to a syntax error (a bare literal's message already shows the fix). */
export function expectedExpression(problem: string): string {
  return problem.startsWith('Syntax error')
    ? '; expected a JMESPath expression, e.g. Result == `true`'
    : ''
}

/**
 * Where the syntax error is (0-based): the start of the first token after which the expression
 * can no longer be completed, the character the lexer stops at, or the end when it is cut short.
 */
function errorPosition(
  expression: string,
  tokenize: Jmespath['tokenize'],
  compile: Jmespath['compile']
): number {
  let tokens: ReturnType<Jmespath['tokenize']>
  try {
    tokens = tokenize(expression)
  } catch {
    // A character or literal the lexer cannot read: the longest prefix it can is before it.
    let good = 0
    for (let end = 1; end <= expression.length; end++) {
      try {
        tokenize(expression.slice(0, end))
        good = end
      } catch {
        // Keeps looking: an unterminated literal fails until it is closed.
      }
    }
    return Math.min(good, expression.length - 1)
  }
  for (let i = 0; i < tokens.length; i++) {
    const end = i + 1 < tokens.length ? tokens[i + 1].start : expression.length
    try {
      compile(expression.slice(0, end))
    } catch (error) {
      if (!/\bEOF\b/.test(oneLine(error))) return tokens[i].start
    }
  }
  return expression.length
}

/** A short excerpt around the error, with `»` before the character it is at. */
function pointer(expression: string, at: number): string {
  const from = Math.max(0, at - 30)
  const excerpt = `${expression.slice(from, at)}»${expression.slice(at, at + 30)}`
  return `: ${from > 0 ? '…' : ''}${excerpt.replace(/\s+/g, ' ')}`
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** A field an expression reads from the answer. */
export interface FieldRead {
  readonly name: string
  /** The root key whose list elements the field is read from; undefined: read from the root. */
  readonly elementsOf?: string
}

/** JMESPath AST nodes, as far as reading field names needs them. */
interface Node {
  readonly type: string
  readonly name?: unknown
  readonly left?: Node
  readonly right?: Node
  readonly condition?: Node
  readonly child?: Node
  readonly children?: readonly Node[]
  readonly value?: unknown
}

/**
 * The field names `expression` (valid) reads from the root of the answer, and from the elements
 * of a root list it filters or projects (`InfoMessages[?Type == 'Error']` reads `Type` from the
 * elements of `InfoMessages`), each once, in order.
 */
export const fieldsRead: (expression: string) => Promise<readonly FieldRead[]> =
  boundedMemo(collectFields)

async function collectFields(expression: string): Promise<readonly FieldRead[]> {
  const { compile } = await loadJmespath()
  const found = new Map<string, FieldRead>()
  const visit = (node: Node | undefined, scope: string | null | undefined): void => {
    // scope: undefined = the root, a string = the elements of that root key, null = elsewhere.
    if (!node || typeof node !== 'object') return
    switch (node.type) {
      case 'Field':
        if (scope !== null && typeof node.name === 'string') {
          const read: FieldRead =
            scope === undefined ? { name: node.name } : { name: node.name, elementsOf: scope }
          found.set(`${scope ?? ''}\u0000${node.name}`, read)
        }
        return
      case 'Subexpression':
      case 'IndexExpression':
      case 'Pipe':
        visit(node.left, scope)
        // `@.Status` reads Status where `@` is; after any other left side, from what it gave.
        visit(node.right, node.left?.type === 'Current' ? scope : null)
        return
      case 'Projection':
      case 'ValueProjection':
      case 'FilterProjection': {
        visit(node.left, scope)
        const elements = scope === undefined ? listName(node.left) : null
        visit(node.condition, elements)
        visit(node.right, elements)
        return
      }
      case 'ExpressionReference':
        return
      default:
        for (const child of [
          node.left,
          node.right,
          node.condition,
          node.child,
          ...(node.children ?? [])
        ]) {
          visit(child, scope)
        }
        if (node.type === 'KeyValuePair') visit(node.value as Node, scope)
    }
  }
  visit(compile(expression) as unknown as Node, undefined)
  return [...found.values()]
}

/** The root key a projection runs over (`InfoMessages` of `InfoMessages[?…]` or `InfoMessages[]`). */
function listName(node: Node | undefined): string | null {
  if (node?.type === 'Field' && typeof node.name === 'string') return node.name
  return node?.type === 'Flatten' ? listName(node.child) : null
}
