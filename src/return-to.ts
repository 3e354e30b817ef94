/**
 * Keeps a post-login destination only when it is a same-origin relative path.
 * Anything that a browser could resolve to another origin (`//evil`, `/\evil`,
 * a scheme, control characters that browsers strip) falls back to `/`.
 */
export function safeReturnTo (input: unknown): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > 2048) return '/'
  if (!input.startsWith('/')) return '/'
  // Browsers treat a backslash like a slash, and drop tabs and newlines, so
  // "/\evil.example" and "/\t/evil.example" are protocol-relative in disguise.
  if (/[\\\u0000-\u001f\u007f]/.test(input)) return '/'
  if (input.startsWith('//')) return '/'
  const resolved = new URL(input, 'http://gateway.invalid')
  if (resolved.origin !== 'http://gateway.invalid') return '/'
  return resolved.pathname + resolved.search + resolved.hash
}
