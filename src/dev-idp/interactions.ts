import type Provider from 'oidc-provider'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { chooseLogin, findIdentity, TEST_IDENTITIES } from './identities.js'
import { chooserPage, errorPage } from './pages.js'

export interface InteractionOptions {
  /** Sign every login in at the person's lowest acr, whatever was asked (startDevIdp's `downgradeAcr`). */
  readonly downgradeAcr?: boolean
}

const INTERACTION_PATH = /^\/interaction\/([\w-]{1,64})(?:\/(login|abort))?$/
const MAX_FORM_BYTES = 4096

/**
 * The identity chooser, as Koa middleware on the provider itself: GET shows the
 * test identities, POST …/login signs one in, POST …/abort refuses (access_denied).
 */
export function interactionRoutes (provider: Provider, options: InteractionOptions = {}) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    const match = INTERACTION_PATH.exec(ctx.path)
    if (match === null) return await next()
    const [, uid, action] = match
    ctx.set('cache-control', 'no-store')
    let details
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res)
    } catch {
      return badRequest(ctx, 'This sign-in has expired or is unknown. Start again from the application.')
    }
    if (details.uid !== uid) return badRequest(ctx, 'This sign-in does not match the current one.')

    if (action === undefined && ctx.method === 'GET') {
      ctx.type = 'html'
      ctx.body = chooserPage(details.uid, TEST_IDENTITIES, requestedAcrValues(details.params))
      return
    }
    if (ctx.method !== 'POST') return badRequest(ctx, 'Unsupported request.')

    if (action === 'abort') {
      return await finish(ctx, provider, { error: 'access_denied', error_description: 'The user cancelled the sign-in' })
    }
    const form = await readForm(ctx).catch(() => undefined)
    const identity = findIdentity((candidate) => candidate.id === form?.get('identity'))
    if (identity === undefined) return badRequest(ctx, 'Choose one of the test identities.')
    // The acr (and amr) the provider signs: per person and per acr_values asked, as Idura answers.
    const login = chooseLogin(identity, requestedAcrValues(details.params), options.downgradeAcr === true)
    await finish(ctx, provider, { login: { accountId: identity.sub, ...(login === undefined ? {} : { acr: login.acr, amr: [...login.amr] }) } })
  }
}

/** The `acr_values` of the authorization request, in order. */
function requestedAcrValues (params: Readonly<Record<string, unknown>>): string[] {
  return typeof params.acr_values === 'string' ? params.acr_values.split(' ').filter((acr) => acr !== '') : []
}

async function finish (ctx: KoaContextWithOIDC, provider: Provider, result: Record<string, unknown>): Promise<void> {
  const target = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false })
  ctx.status = 303
  ctx.redirect(target)
}

function badRequest (ctx: KoaContextWithOIDC, message: string): void {
  ctx.status = 400
  ctx.type = 'html'
  ctx.body = errorPage('Cannot continue', message)
}

async function readForm (ctx: KoaContextWithOIDC): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of ctx.req) {
    body += (chunk as Buffer).toString('utf8')
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large')
  }
  return new URLSearchParams(body)
}
