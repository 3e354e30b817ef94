import { errors, type default as Provider } from 'oidc-provider'
import { findResourceServer, resourceServerInfo, type ResourceServer } from './resource-servers.js'

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
const PARAMETERS = ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'resource', 'scope', 'actor_token', 'actor_token_type']

/**
 * RFC 8693 token exchange, which oidc-provider 9 does not ship: a client
 * hands in an access token this provider issued to it and gets one for a
 * resource server, for the same person and within the same grant's scopes
 * for that resource. Impersonation only: no actor token, no other token types.
 */
export function registerTokenExchange (provider: Provider, servers: readonly ResourceServer[]): void {
  provider.registerGrantType(TOKEN_EXCHANGE, async function tokenExchange (ctx) {
    const { params, client } = ctx.oidc
    if (params.subject_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`)
    if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`)
    }
    if (params.actor_token !== undefined) throw new errors.InvalidRequest('delegation (actor_token) is not supported')
    if (params.resource !== undefined && params.audience !== undefined && params.resource !== params.audience) {
      throw new errors.InvalidTarget('audience and resource name different services')
    }
    const server = findResourceServer(servers, params.resource ?? params.audience)
    // RFC 8693 §2.2.2: a subject token that is unknown, expired or another client's is an invalid_request.
    const subject = typeof params.subject_token === 'string' ? await provider.AccessToken.find(params.subject_token) : undefined
    if (subject === undefined || subject.clientId !== client.clientId) throw new errors.InvalidRequest('subject_token is invalid')
    const grant = await provider.Grant.find(subject.grantId)
    if (grant === undefined || grant.accountId !== subject.accountId) throw new errors.InvalidRequest('subject_token is invalid')
    const requested = typeof params.scope === 'string' ? params.scope.split(' ') : server.scope.split(' ')
    const scope = grant.getResourceScopeFiltered(server.resource, requested)
    const missing = requested.filter((name) => !scope.split(' ').includes(name))
    if (typeof params.scope === 'string' && missing.length > 0) throw new errors.InvalidScope('requested scope is not granted', missing.join(' '))

    const token = new provider.AccessToken({
      accountId: subject.accountId,
      client,
      grantId: subject.grantId,
      gty: 'token_exchange',
      scope: scope === '' ? undefined : scope,
      sessionUid: subject.sessionUid,
      sid: subject.sid
    })
    token.resourceServer = new provider.ResourceServer(server.resource, resourceServerInfo(server))
    ctx.oidc.entity('AccessToken', token)
    ctx.body = {
      access_token: await token.save(),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: token.expiration,
      ...(scope === '' ? {} : { scope })
    }
  }, PARAMETERS)
}
