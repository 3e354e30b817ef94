import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'

/**
 * A client-credentials grant at the embedded provider, as a service makes it
 * (`curl -u dev-service:dev-service-secret -d grant_type=client_credentials`).
 * An empty `scope` asks for none.
 */
export async function serviceToken (issuer: string, scope: string, client: { clientId: string, clientSecret: string } = DEV_SERVICE_CLIENT): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: new URLSearchParams(scope === '' ? { grant_type: 'client_credentials' } : { grant_type: 'client_credentials', scope })
  })
  const body = await response.json() as { access_token?: string, error?: string }
  if (body.access_token === undefined) throw new Error(`no service token: ${response.status} ${body.error ?? ''}`)
  return body.access_token
}
