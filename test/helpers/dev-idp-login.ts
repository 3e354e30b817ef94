import type { TestBrowser, TestResponse } from './test-browser.js'

const MAX_HOPS = 10

/**
 * Follows redirects from `url` while they stay on the provider's origin;
 * returns the first response that is not such a redirect, and its URL.
 */
async function followOnProvider (browser: TestBrowser, url: string, origin: string): Promise<{ response: TestResponse, url: string }> {
  let current = url
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await browser.get(current)
    if (response.location === undefined || new URL(response.location).origin !== origin) return { response, url: current }
    current = response.location
  }
  throw new Error('too many redirects at the provider')
}

/** Posts a form on the provider and follows its redirects until they leave it; returns where they lead. */
async function submitAndLeave (browser: TestBrowser, action: string, form: Record<string, string>, origin: string): Promise<URL> {
  let response = await browser.post(action, form)
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (response.location === undefined) throw new Error(`the provider answered ${response.status} without a redirect`)
    if (new URL(response.location).origin !== origin) return new URL(response.location)
    response = await browser.get(response.location)
  }
  throw new Error('too many redirects at the provider')
}

async function openChooser (browser: TestBrowser, authorizationUrl: string): Promise<{ action: string, origin: string }> {
  const origin = new URL(authorizationUrl).origin
  const { response, url } = await followOnProvider(browser, authorizationUrl, origin)
  if (response.status !== 200) throw new Error(`expected the identity chooser, got ${response.status}`)
  const action = /<form method="post" action="([^"]+)\/login">/.exec(response.text)?.[1]
  if (action === undefined) throw new Error('no identity chooser on the page')
  return { action: new URL(action, url).href, origin }
}

/** Signs in as a test identity and returns the redirect back to the relying party (not requested). */
export async function signInAtDevIdp (browser: TestBrowser, authorizationUrl: string, identity: string): Promise<URL> {
  const { action, origin } = await openChooser(browser, authorizationUrl)
  return await submitAndLeave(browser, `${action}/login`, { identity }, origin)
}

/** Cancels at the identity chooser; the returned redirect carries error=access_denied. */
export async function cancelAtDevIdp (browser: TestBrowser, authorizationUrl: string): Promise<URL> {
  const { action, origin } = await openChooser(browser, authorizationUrl)
  return await submitAndLeave(browser, `${action}/abort`, {}, origin)
}

/**
 * Confirms the provider's sign-out page as its script would and returns where
 * the provider sends the browser afterwards (the post-logout redirect, or its
 * own signed-out page).
 */
export async function logoutAtDevIdp (browser: TestBrowser, endSessionUrl: string): Promise<URL> {
  const origin = new URL(endSessionUrl).origin
  const { response, url } = await followOnProvider(browser, endSessionUrl, origin)
  const form = /<form[^>]*id="op\.logoutForm"[^>]*>([\s\S]*?)<\/form>/.exec(response.text)
  const action = /action="([^"]+)"/.exec(form?.[0] ?? '')?.[1]
  if (form === null || action === undefined) throw new Error('no logout form on the page')
  const fields: Record<string, string> = { logout: 'yes' }
  for (const input of (form[1] ?? '').matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields[input[1] as string] = input[2] as string
  }
  let next = await browser.post(new URL(action, url).href, fields)
  for (let hop = 0; hop < MAX_HOPS && next.location !== undefined; hop++) {
    if (new URL(next.location).origin !== origin) return new URL(next.location)
    const location: string = next.location
    next = await browser.get(location)
    if (next.location === undefined) return new URL(location)
  }
  return new URL(url)
}

/** A whole login through the gateway: /login, the provider's chooser, and the callback that sets the session. */
export async function signInThroughGateway (browser: TestBrowser, gatewayUrl: string, identity = 'chris'): Promise<void> {
  const login = await browser.get(`${gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, identity)
  const landed = await browser.get(callback.href)
  if (landed.status !== 302) throw new Error(`callback answered ${landed.status}: ${landed.text}`)
}
