/** The entity of each character the summary escapes. */
const Entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '@': '&#64;'
}

function entity(char: string): string {
  return Entities[char] ?? char
}

/** `&`, `<` and `>` as entities: inside `<pre>` or `<code>` the text can then open no tag. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, entity)
}

/**
 * escapeHtml, and quotes and `@` too: a table cell's text can then close no attribute and
 * mention no one.
 */
export function escapeHtmlCell(text: string): string {
  return text.replace(/[&<>"'@]/g, entity)
}
