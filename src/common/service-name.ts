/** One AOT name: letters, digits and underscores only (no dots, slashes, percent signs or look-alikes). */
const AotName = /^[A-Za-z0-9_]+$/

/** True for one AOT name of at most 128 characters: nothing in it can be read as markup or a command. */
export function isAotName(text: string): boolean {
  return text.length <= 128 && AotName.test(text)
}

/**
 * Splits `ServiceGroup/Service/Operation` (1 to 3 segments) into its AOT names; `/` alone
 * (every service group) gives none. Returns undefined for anything else, so no text from the
 * input can change the URL's shape.
 */
export function parseServiceName(text: string): readonly string[] | undefined {
  if (text.trim() === '/') return []
  const segments = text.trim().split('/')
  if (segments.length < 1 || segments.length > 3) return undefined
  return segments.every(segment => AotName.test(segment)) ? segments : undefined
}
