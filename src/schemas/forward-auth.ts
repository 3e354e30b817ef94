import { ACCESS_TOKEN_HEADER, IDENTITY_HEADERS, LOGIN_HEADER } from '../forward-auth/fields.js'
import type { ResponseHeader } from './responses.js'

/** Where Envoy's HTTP ext_authz service sends its checks: `path_prefix`, with the original path after it. */
export const ENVOY_PREFIX = '/auth/envoy'

const identityHeaders: Record<string, ResponseHeader> = Object.fromEntries([
  ...Object.entries(IDENTITY_HEADERS).map(([field, name]) => [name, { type: 'string', description: `\`${field}\`, when the rule names it and the login provided it` }]),
  [ACCESS_TOKEN_HEADER, { type: 'string', description: 'The session\'s access token, when the rule has `"accessToken": true`' }],
  ['authorization', { type: 'string', description: '`Bearer <access token>`, when the rule has `"accessToken": "authorization"`' }]
])

/** `GET /auth`: nginx `auth_request`, Traefik `forwardAuth`, Caddy `forward_auth`, oauth2-proxy's `/oauth2/auth` contract. */
export const forwardAuthDescription = 'For a proxy in front of other services (nginx `auth_request`, Traefik `forwardAuth`, Caddy `forward_auth`), never for browsers: the proxy must keep it off its public routes. It sends the original request-target as `X-Forwarded-Uri` or `X-Original-URI` (both must agree when both are sent) and the browser\'s cookie; its path (escapes undone, empty segments merged) picks the longest matching prefix of `FORWARD_AUTH`. 202 with that rule\'s identity headers for a live session, 401 without one (never a redirect: `X-Auth-Request-Login` says where to send the browser), 401 `insufficient_user_authentication` when the login\'s eIDAS level is below the rule\'s (`X-Auth-Request-Login` is then a step-up), 403 when no rule admits the path, 400 for an original target that servers could read in different ways (dot segments, escaped slashes, double escapes). Any method: nginx asks with the original one. No provider call unless the rule hands over the access token, and then only to renew it; nothing is written to the session store.'

/** `/auth/envoy/*`: Envoy's HTTP `ext_authz` service. */
export const envoyAuthDescription = `For Envoy's \`ext_authz\` filter in HTTP mode with \`path_prefix: ${ENVOY_PREFIX}\`: the original method and path arrive as this request's own, the browser's cookie in \`Cookie\` (list it in \`allowed_headers\`). The same check as \`/auth\`, answered 200 with the identity headers to add upstream (\`allowed_upstream_headers\`) and \`x-envoy-auth-headers-to-remove\` naming the rest of the family, so the browser's own never reach the service; 401 and 403 go back to the browser as they are.`

function allowed (status: 200 | 202) {
  return {
    type: 'null',
    description: status === 202 ? 'Signed in, and the rule admits the login: the identity headers to pass on' : 'Allowed: the headers to add to the upstream request, and those to remove',
    headers: {
      ...identityHeaders,
      ...(status === 200 ? { 'x-envoy-auth-headers-to-remove': { type: 'string', description: 'The identity headers this answer does not set, comma-separated: Envoy removes the browser\'s own' } } : {})
    }
  } as const
}

export const forwardAuthAllowedResponse = allowed(202)
export const envoyAllowedResponse = allowed(200)

/** The headers of a 401: what a proxy passes on, and where the browser signs in. */
export const unauthenticatedHeaders: Readonly<Record<string, ResponseHeader>> = {
  'www-authenticate': { type: 'string', description: '`Cookie realm="eid-bff-gateway", form-action="/login"`: a session cookie is the credential, and `/login` gets one; for a login below the rule\'s level, RFC 9470\'s `Bearer error="insufficient_user_authentication"` with the `acr_values` that reach it' },
  [LOGIN_HEADER]: { type: 'string', description: '`/login?returnTo=<the original target>` (with `eid` and `stepUp=1` for a login below the rule\'s level), for the proxy\'s redirect to sign in (nginx: `auth_request_set`)' }
}
