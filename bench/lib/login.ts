import { signInThroughGateway } from '../../test/helpers/dev-idp-login.js'
import { TestBrowser } from '../../test/helpers/test-browser.js'

/** A scripted login through the provider's chooser as Chris; returns the session cookie's value. */
export async function signIn (baseUrl: string, cookieName: string): Promise<string> {
  const browser = new TestBrowser()
  await signInThroughGateway(browser, baseUrl)
  const me = await browser.get(`${baseUrl}/me`)
  if (me.status !== 200) throw new Error(`/me after the login answered ${me.status}`)
  const value = browser.cookies(baseUrl)[cookieName]
  if (value === undefined) throw new Error(`no ${cookieName} cookie after the login`)
  return value
}

export interface LoginRate {
  readonly loginsPerSecond: number
  readonly logins: number
  readonly p99Ms: number
  readonly failures: number
  readonly parallel: number
}

/**
 * Complete logins (/login → provider → /callback → /me) by `parallel` fresh
 * browsers at once, for `seconds` or `maxLogins`, whichever ends first.
 */
export async function measureLogins (baseUrl: string, cookieName: string, parallel: number, seconds: number, maxLogins: number): Promise<LoginRate> {
  const durations: number[] = []
  let failures = 0
  let started = 0
  const start = performance.now()
  const deadline = start + seconds * 1000
  const browserLoop = async (): Promise<void> => {
    while (performance.now() < deadline && started < maxLogins) {
      started++
      const begin = performance.now()
      try {
        await signIn(baseUrl, cookieName)
        durations.push(performance.now() - begin)
      } catch {
        failures++
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, browserLoop))
  const elapsed = (performance.now() - start) / 1000
  durations.sort((a, b) => a - b)
  return {
    loginsPerSecond: Math.round(durations.length / elapsed * 10) / 10,
    logins: durations.length,
    p99Ms: Math.round(durations[Math.min(durations.length - 1, Math.floor(durations.length * 0.99))] ?? 0),
    failures,
    parallel
  }
}
