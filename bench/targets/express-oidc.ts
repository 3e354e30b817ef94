/*
 * The comparison: Auth0's express-openid-connect serving the same /me work
 * (the profile mapped from the ID token's claims) from its encrypted session
 * cookie, signed in against the same embedded provider, in a process of its
 * own as the gateway's is. Defaults kept (rolling session cookie), code flow
 * with PKCE like the gateway.
 */
import type { Server } from 'node:http'
import express from 'express'
import expressOpenidConnect from 'express-openid-connect'
import { toProfile } from '../../src/claims/profile.js'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_NAMESPACE, TEST_SECRET } from '../../test/helpers/constants.js'
import { countServerRequests, readCounts, resetCounts } from '../lib/counters.js'
import { childArgs, failStart, serveParent } from '../lib/ipc.js'

// A CommonJS package: its named exports are not visible to ESM imports.
const { auth, requiresAuth } = expressOpenidConnect
const closers: Array<() => unknown> = []
try {
  const { port, issuer } = childArgs<{ port: number, issuer: string }>()
  const baseURL = `http://127.0.0.1:${port}`
  const app = express()
  app.use(auth({
    issuerBaseURL: issuer,
    baseURL,
    clientID: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    clientAuthMethod: 'client_secret_post',
    secret: TEST_SECRET,
    authRequired: false,
    idpLogout: false,
    authorizationParams: { response_type: 'code', scope: 'openid profile email offline_access' }
  }))
  const profileOptions = { claimsNamespace: TEST_NAMESPACE, eidConnections: { itsme: 'criipto-itsme' } }
  app.get('/me', requiresAuth(), (req, res) => {
    const claims = req.oidc.idTokenClaims as Record<string, unknown>
    const sid = String(claims.sid ?? '')
    res.set('cache-control', 'no-store')
    res.json({
      ...toProfile(claims, profileOptions),
      session: { sid, expiresAt: new Date(Number(claims.exp) * 1000).toISOString(), logoutUrl: `/logout?sid=${encodeURIComponent(sid)}` }
    })
  })
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening))
  })
  closers.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  countServerRequests()
  serveParent({ url: baseURL, cookieName: 'appSession' }, { reset: () => resetCounts(), counters: () => readCounts() }, async () => {
    for (const close of closers.reverse()) await close()
  })
} catch (error) {
  failStart(error)
}
