/** JSON schemas shared by routes. Response schemas are allow-lists: unnamed fields never leave. */
import { errorSchema } from './error.js'
import { profileSchema } from './profile.js'

export { errorSchema } from './error.js'
export { ERROR_CODES, type ErrorCodeMeanings, type ErrorStatus } from './error-codes.js'
export { healthSchema } from './health.js'
export { profileSchema } from './profile.js'
export { backchannelLogoutBodySchema, backchannelLogoutDescription } from './backchannel-logout.js'
export { callbackDescription, callbackQuerySchema } from './callback.js'
export { ENVOY_PREFIX, envoyAllowedResponse, envoyAuthDescription, forwardAuthAllowedResponse, forwardAuthDescription, unauthenticatedHeaders } from './forward-auth.js'
export { internalClaimsDescription, internalClaimsParamsSchema, serviceClaimsSchema } from './internal-claims.js'
export { loginDescription, loginQuerySchema } from './login.js'
export { logoutDescription, logoutQuerySchema } from './logout.js'
export { serviceIndexDescription, serviceIndexResponse, serviceIndexSchema } from './service-index.js'
export { errorResponses, redirectResponse, type ErrorResponse, type ErrorResponsesOptions, type ResponseHeader } from './responses.js'

/**
 * Registered once with `app.addSchema` (plugins/schemas.ts). Routes point at
 * them with `{ $ref: 'error#' }` and `{ $ref: 'profile#' }`; the OpenAPI
 * document lists each once, as a component.
 */
export const sharedSchemas = [errorSchema, profileSchema] as const
export { endedSessionsSchema, ownSessionsSchema, SESSIONS_ADMIN_SCOPE, sessionHandleParamsSchema, subjectParamsSchema, subjectSessionParamsSchema, subjectSessionsSchema } from './sessions.js'
