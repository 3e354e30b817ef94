import type Provider from 'oidc-provider'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { errorPage } from './pages.js'

export interface Auth0LogoutClient {
  readonly clientId: string
  /** Auth0's Allowed Logout URLs: `returnTo` must be one of them. */
  readonly allowedLogoutUrls: readonly string[]
}

/**
 * Auth0's `GET /v2/logout?client_id=…&returnTo=…`, as Koa middleware on the
 * provider: for an Auth0 tenant whose metadata has no `end_session_endpoint`.
 * It ends the provider session and returns to `returnTo` only when that is
 * an allowed logout URL of that client; anything else is an error page,
 * never a redirect, or this would be an open redirector.
 */
export function auth0LogoutRoute (provider: Provider, client: Auth0LogoutClient) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.path !== '/v2/logout') return await next()
    ctx.set('cache-control', 'no-store')
    const { client_id: clientId, returnTo } = ctx.query
    if (ctx.method !== 'GET' || clientId !== client.clientId || typeof returnTo !== 'string' || !client.allowedLogoutUrls.includes(returnTo)) {
      ctx.status = 400
      ctx.type = 'html'
      ctx.body = errorPage('Logout refused', 'Unknown client, or returnTo is not among its Allowed Logout URLs.')
      return
    }
    const session = await provider.Session.get(ctx)
    await session.destroy()
    ctx.status = 302
    ctx.redirect(returnTo)
  }
}
