export interface TestResponse {
  status: number
  headers: Headers
  /** The Location header resolved against the request URL. */
  location?: string
  text: string
  json<T = any>(): T
  setCookies: string[]
}

interface StoredCookie { value: string, path: string }

/**
 * A tiny browser for flow tests: keeps cookies per hostname (ports share
 * cookies, as in real browsers) and never follows redirects, so every hop is
 * asserted by the test.
 */
export class TestBrowser {
  readonly #jar = new Map<string, Map<string, StoredCookie>>()

  async get (url: string | URL, headers: Record<string, string> = {}): Promise<TestResponse> {
    return await this.request('GET', url, { headers })
  }

  async post (url: string | URL, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TestResponse> {
    return await this.request('POST', url, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString()
    })
  }

  async request (method: string, url: string | URL, { headers = {}, body }: { headers?: Record<string, string>, body?: string } = {}): Promise<TestResponse> {
    const target = new URL(url)
    const cookie = this.cookieHeader(target)
    const response = await fetch(target, {
      method,
      redirect: 'manual',
      headers: { ...(cookie === '' ? {} : { cookie }), ...headers },
      body
    })
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) this.#store(target, line)
    const text = await response.text()
    const location = response.headers.get('location')
    return {
      status: response.status,
      headers: response.headers,
      ...(location === null ? {} : { location: new URL(location, target).href }),
      text,
      json: () => JSON.parse(text),
      setCookies
    }
  }

  cookies (url: string | URL): Record<string, string> {
    const target = new URL(url)
    const result: Record<string, string> = {}
    for (const [name, cookie] of this.#jar.get(target.hostname) ?? []) {
      if (pathMatches(target.pathname, cookie.path)) result[name] = cookie.value
    }
    return result
  }

  cookieHeader (url: string | URL): string {
    return Object.entries(this.cookies(url)).map(([name, value]) => `${name}=${value}`).join('; ')
  }

  clearCookies (): void {
    this.#jar.clear()
  }

  #store (url: URL, line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
    const eq = pair.indexOf('=')
    if (eq <= 0) return
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/'
    let expired = false
    for (const attribute of attributes) {
      const [key = '', attrValue = ''] = attribute.split('=')
      const lower = key.toLowerCase()
      if (lower === 'path' && attrValue.startsWith('/')) path = attrValue
      if (lower === 'max-age' && Number(attrValue) <= 0) expired = true
      if (lower === 'expires' && Date.parse(attribute.slice(8)) <= Date.now()) expired = true
    }
    const host = this.#jar.get(url.hostname) ?? new Map<string, StoredCookie>()
    this.#jar.set(url.hostname, host)
    if (expired) host.delete(name)
    else host.set(name, { value, path })
  }
}

function pathMatches (requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}
