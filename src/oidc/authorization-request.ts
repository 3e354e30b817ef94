import * as client from 'openid-client'
import { GatewayError } from '../errors.js'
import type { Provider } from './discovery.js'
import { toNetworkError } from './errors.js'

/**
 * The URL that sends the browser to the provider, built by openid-client: the
 * parameters in the query; or signed into a request object (JAR, RFC 9101),
 * the query then carrying only `client_id` and `request`; and/or pushed to
 * the provider first (PAR, RFC 9126) on the back channel, authenticated as
 * the client, the query then carrying only `client_id` and `request_uri`.
 */
export async function authorizationUrl (provider: Provider, parameters: Readonly<Record<string, string>>): Promise<URL> {
  const { configuration, signed } = provider
  try {
    let request: URLSearchParams | Record<string, string> = { ...parameters }
    if (signed !== undefined) {
      const withRequestObject = await client.buildAuthorizationUrlWithJAR(configuration, request, { key: signed.key, kid: signed.kid })
      if (!provider.pushed) return withRequestObject
      request = withRequestObject.searchParams
    }
    return provider.pushed
      ? await client.buildAuthorizationUrlWithPAR(configuration, request)
      : client.buildAuthorizationUrl(configuration, request)
  } catch (error) {
    throw toAuthorizationRequestError(error)
  }
}

function toAuthorizationRequestError (error: unknown): GatewayError {
  const network = toNetworkError(error)
  if (network !== undefined) return network
  return new GatewayError('provider_error', 'The identity provider refused the authorization request', 502, { cause: error })
}
