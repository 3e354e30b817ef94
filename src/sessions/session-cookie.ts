/** The attributes of the session cookie: setting it and clearing it use the same ones. */
export interface SessionCookieAttributes {
  readonly path: '/'
  readonly httpOnly: true
  readonly sameSite: 'lax'
  readonly secure: boolean
}

export interface SessionCookie {
  readonly name: string
  readonly attributes: SessionCookieAttributes
}

/**
 * The one opaque session cookie. Over https it is `__Host-` prefixed, which
 * browsers accept only with `Secure`, `Path=/` and no `Domain`: a sibling
 * subdomain cannot plant or overwrite it. A clear without `Secure` would be
 * ignored, so the clear carries the same attributes. No `Max-Age`: a browser
 * session cookie; the store enforces idle and absolute lifetimes.
 */
export function sessionCookie (secure: boolean): SessionCookie {
  return {
    name: secure ? '__Host-bff' : 'bff',
    attributes: { path: '/', httpOnly: true, sameSite: 'lax', secure }
  }
}
