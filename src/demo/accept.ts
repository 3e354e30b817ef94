/** Longer Accept headers are not read: browsers send about 100 characters. */
const MAX_ACCEPT_LENGTH = 1024

interface MediaRange { readonly type: string, readonly subtype: string, readonly q: number }

/**
 * Whether a request's Accept header asks for HTML rather than JSON
 * (RFC 9110, 12.5.1: the most specific matching range gives each type its
 * quality). A tie, no header or an unreadable one answers JSON, so scripts and
 * `curl` keep the machine-readable answer and browsers get the page.
 */
export function prefersHtml (accept: string | undefined): boolean {
  if (accept === undefined || accept.length > MAX_ACCEPT_LENGTH) return false
  const ranges = parseAccept(accept)
  return quality(ranges, 'text', 'html') > quality(ranges, 'application', 'json')
}

function parseAccept (accept: string): MediaRange[] {
  const ranges: MediaRange[] = []
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase())
    const match = /^([\w.+-]+|\*)\/([\w.+-]+|\*)$/.exec(range)
    if (match === null) continue
    let q = 1
    for (const param of params) {
      const qMatch = /^q=([01](?:\.\d{0,3})?)$/.exec(param)
      if (qMatch !== null) q = Math.min(1, Number(qMatch[1]))
    }
    ranges.push({ type: match[1] as string, subtype: match[2] as string, q })
  }
  return ranges
}

function quality (ranges: readonly MediaRange[], type: string, subtype: string): number {
  let best: { specificity: number, q: number } | undefined
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype
      ? 2
      : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1
    if (specificity >= 0 && (best === undefined || specificity > best.specificity)) best = { specificity, q: range.q }
  }
  return best?.q ?? 0
}
