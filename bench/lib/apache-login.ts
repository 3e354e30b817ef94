import { request } from 'node:http'
import { signInAtDevIdp } from '../../test/helpers/dev-idp-login.js'
import { TestBrowser } from '../../test/helpers/test-browser.js'
import { CHRIS_PROFILE } from '../../test/helpers/constants.js'

interface Answer { status: number, location: string | undefined, cookies: Record<string, string>, text: string }

/**
 * mod_auth_openidc starts a login only for a top-level navigation: it answers
 * 401 to a request that says it is fetch() (Sec-Fetch-Mode other than
 * navigate), and Node's fetch always says `cors`. So the two hops at httpd
 * go through node:http with the headers a browser sends when it navigates.
 */
const NAVIGATION = {
  accept: 'text/html,application/xhtml+xml',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  // The module binds its state cookie to the User-Agent: the same on both hops.
  'user-agent': 'eid-bff-gateway-bench'
}

async function navigate (url: string, cookies: Record<string, string>): Promise<Answer> {
  const cookie = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ')
  return await new Promise((resolve, reject) => {
    const sent = request(url, { headers: { ...NAVIGATION, ...(cookie === '' ? {} : { cookie }) }, timeout: 10_000 }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { text += chunk })
      response.on('end', () => {
        const set: Record<string, string> = {}
        for (const line of response.headers['set-cookie'] ?? []) {
          const pair = line.split(';')[0] as string
          const eq = pair.indexOf('=')
          if (eq > 0) set[pair.slice(0, eq)] = pair.slice(eq + 1)
        }
        const location = response.headers.location
        resolve({ status: response.statusCode ?? 0, location: location === undefined ? undefined : new URL(location, url).href, cookies: set, text })
      })
    })
    sent.on('timeout', () => sent.destroy(new Error(`${url} did not answer`)))
    sent.on('error', reject)
    sent.end()
  })
}

export interface ApachePaths { readonly loginPath: string, readonly mePath: string }

/**
 * A login at the mod_auth_openidc peer as Chris: the protected login page
 * redirects to the provider, the chooser signs in, the redirect URI takes
 * the code, sets the session cookie and sends the browser back to the login
 * page; then /me must answer her claims. Returns the session cookie's value.
 */
export async function signInAtApache (baseUrl: string, cookieName: string, paths: ApachePaths): Promise<string> {
  const start = await navigate(`${baseUrl}${paths.loginPath}`, {})
  if (start.status !== 302 || start.location === undefined) throw new Error(`${paths.loginPath} answered ${start.status} instead of a redirect to the provider: ${start.text.slice(0, 200)}`)
  const callback = await signInAtDevIdp(new TestBrowser(), start.location, 'chris')
  const landed = await navigate(callback.href, start.cookies)
  const value = landed.cookies[cookieName]
  if (landed.status !== 302 || landed.location !== `${baseUrl}${paths.loginPath}`) throw new Error(`the redirect URI answered ${landed.status} (to ${String(landed.location)}): ${landed.text.slice(0, 300)}`)
  if (value === undefined) throw new Error(`no ${cookieName} cookie after the login`)
  const back = await navigate(`${baseUrl}${paths.loginPath}`, { [cookieName]: value })
  if (back.status !== 200) throw new Error(`${paths.loginPath} after the login answered ${back.status}`)
  const me = await fetch(`${baseUrl}${paths.mePath}`, { headers: { cookie: `${cookieName}=${value}` } })
  const claims = (await me.json().catch(() => ({}))) as { id_token?: { sub?: string, name?: string } }
  if (me.status !== 200 || claims.id_token?.sub !== CHRIS_PROFILE.sub || claims.id_token.name !== CHRIS_PROFILE.name) {
    throw new Error(`${paths.mePath} after the login answered ${me.status} without Chris's claims: ${JSON.stringify(claims).slice(0, 300)}`)
  }
  return value
}
