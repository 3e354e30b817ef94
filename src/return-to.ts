/** A stand-in origin: only whether the path stays on it matters, never its name. */
const BASE = 'http://gateway.invalid'

/**
 * Keeps a post-login destination only when it is a same-origin relative path.
 * Anything that a browser could resolve to another origin falls back to `/`:
 * `//evil` (protocol-relative), `/\evil` (browsers read a backslash as a
 * slash), a scheme, control characters that browsers strip, and dot segments
 * that only become `//evil` once resolved (`/.//evil`, `/a/..//evil`, and
 * their percent-encoded forms `/%2e//evil`, `/a/%2E%2E//evil`). The path is
 * resolved first and the result is checked again, so what comes back is
 * exactly what a browser will do with it.
 */
export function safeReturnTo (input: unknown): string {
  if (typeof input !== 'string' || input.length > 2048 || !isPlainPath(input)) return '/'
  const resolved = new URL(input, BASE)
  if (resolved.origin !== BASE) return '/'
  const path = resolved.pathname + resolved.search + resolved.hash
  // The browser resolves the Location header again: it must land on the same URL.
  return isPlainPath(path) && new URL(path, BASE).href === resolved.href ? path : '/'
}

/** A path that starts with one slash and nothing a browser would reinterpret. */
function isPlainPath (path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//')) return false
  // Browsers treat a backslash like a slash, and drop tabs and newlines, so
  // "/\evil.example" and "/\t/evil.example" are protocol-relative in disguise.
  return !/[\\\u0000-\u001f\u007f]/.test(path)
}
