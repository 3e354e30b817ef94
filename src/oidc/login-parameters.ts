import { GatewayError } from '../errors.js'

/** The per-login authorization parameters a frontend may choose at `/login`; nothing else reaches the provider. */
export interface PerLoginQuery {
  prompt?: string
  max_age?: string
  login_hint?: string
  ui_locales?: string
}

/** `prompt=none`: a silent session check; `prompt=login`: sign in again even with a provider session. */
export const PROMPTS = ['none', 'login'] as const
/** Seconds; a year is longer than any session the gateway keeps. */
export const MAX_AGE_LIMIT = 31_536_000
export const LOGIN_HINT_MAX_LENGTH = 256
export const UI_LOCALES_MAX = 10
/** Whole seconds without a sign, leading zeros, exponent or spaces. */
export const MAX_AGE_PATTERN = '^(0|[1-9][0-9]{0,7})$'
/** Printable: no control, format, surrogate, private-use or unassigned characters, no line or paragraph separators. */
export const LOGIN_HINT_PATTERN = '^[^\\p{C}\\p{Zl}\\p{Zp}]+$'
/** Space-separated tags of letters, digits and hyphens; each is then checked as BCP 47. */
export const UI_LOCALES_PATTERN = '^[A-Za-z0-9-]{1,35}( [A-Za-z0-9-]{1,35}){0,9}$'

const MAX_AGE = new RegExp(MAX_AGE_PATTERN)
const LOGIN_HINT = new RegExp(LOGIN_HINT_PATTERN, 'u')
const UI_LOCALES = new RegExp(UI_LOCALES_PATTERN)

/**
 * The authorization parameters of one login from its `/login` query, each
 * checked against its allow-list. The route's query schema says the same;
 * these checks hold whatever the schema becomes, and add what a schema cannot
 * say (the `max_age` bound, BCP 47 tags). A refused value is a 400
 * `invalid_request` before anything is started.
 */
export function perLoginParameters (query: PerLoginQuery): Record<string, string> {
  const parameters: Record<string, string> = {}
  const { prompt, max_age: maxAge, login_hint: loginHint, ui_locales: uiLocales } = query
  if (prompt !== undefined) {
    if (!(PROMPTS as readonly string[]).includes(prompt)) refuse('prompt must be none or login')
    parameters.prompt = prompt
  }
  if (maxAge !== undefined) {
    if (typeof maxAge !== 'string' || !MAX_AGE.test(maxAge) || Number(maxAge) > MAX_AGE_LIMIT) {
      refuse(`max_age must be a whole number of seconds from 0 to ${MAX_AGE_LIMIT}`)
    }
    parameters.max_age = maxAge
  }
  if (loginHint !== undefined) {
    if (typeof loginHint !== 'string' || [...loginHint].length > LOGIN_HINT_MAX_LENGTH || !LOGIN_HINT.test(loginHint)) {
      refuse(`login_hint must be 1 to ${LOGIN_HINT_MAX_LENGTH} printable characters`)
    }
    parameters.login_hint = loginHint
  }
  if (uiLocales !== undefined) {
    if (typeof uiLocales !== 'string' || !UI_LOCALES.test(uiLocales) || !uiLocales.split(' ').every(isLanguageTag)) {
      refuse(`ui_locales must be up to ${UI_LOCALES_MAX} space-separated BCP 47 language tags, such as "nl-BE fr-BE"`)
    }
    parameters.ui_locales = uiLocales
  }
  return parameters
}

/** A well-formed BCP 47 tag, by the platform's own parser (ECMA-402). */
function isLanguageTag (tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}

function refuse (message: string): never {
  throw new GatewayError('invalid_request', message, 400)
}
