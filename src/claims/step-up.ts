import { GatewayError } from '../errors.js'
import type { AskedAssurance, LoginTransaction, SessionUser } from '../sessions/types.js'
import { levelOfAcrValues, meetsLevel, type AssuranceLevel } from './assurance.js'
import { acrValuesReaching, eidAuthorizationParameters, type EidOption } from './eid-options.js'
import type { LoginAssurance } from './login-assurance.js'

/** How far the provider's clock may be behind ours when it says it authenticated the person again. */
const CLOCK_TOLERANCE_SECONDS = 60

/** The `sub` a step-up must keep: the live session's; none without one, and then the step-up is a plain login. */
export function stepUpSubject (user: SessionUser | undefined, now = Date.now()): string | undefined {
  return user !== undefined && user.expiresAt > now ? user.sub : undefined
}

/**
 * What a login started now must prove: the option's level (or, without an
 * option, the level of OIDC_ACR_VALUES), and for a step-up the subject it
 * must sign in again. Kept in the login transaction, so nothing the browser
 * does to the authorization request or the callback can lower it.
 */
export function askedAssurance (option: EidOption | undefined, defaultAcrValues: string | undefined, stepUpOf: string | undefined): AskedAssurance | undefined {
  const level = option !== undefined ? option.level : defaultAcrValues === undefined ? undefined : levelOfAcrValues(defaultAcrValues.split(' '))
  if (level === undefined && stepUpOf === undefined) return undefined
  return { ...(level === undefined ? {} : { level }), ...(stepUpOf === undefined ? {} : { stepUpOf }) }
}

/**
 * The authorization parameters of a step-up: OIDC Core 3.1.2.1 `prompt=login`
 * makes the provider authenticate the person again whatever session it
 * holds, and `max_age=0` says the same to providers that honour only that,
 * and obliges them to sign `auth_time`, which the callback then checks.
 */
const STEP_UP_PARAMETERS: Readonly<Record<string, string>> = { prompt: 'login', max_age: '0' }

/**
 * What the eID option adds to a login's authorization parameters: its
 * `connection`, `acr_values` and `login_hint` prefix (before the login's own
 * hint, `loginHint`), and for a step-up `prompt=login` and `max_age=0`,
 * which win over the login's own.
 */
export function eidLoginParameters (option: EidOption | undefined, loginHint: string | undefined, stepUp: boolean): Record<string, string> {
  const parameters = option === undefined ? {} : eidAuthorizationParameters(option, loginHint)
  return stepUp ? { ...parameters, ...STEP_UP_PARAMETERS } : parameters
}

/**
 * The login's verdict against what its transaction asked. A login below the
 * asked level is refused, whatever the browser did to the request; so is a
 * step-up that signed in someone else (the session stays the old one, at its
 * old level) or that the provider answered without authenticating again.
 *
 * @throws GatewayError `insufficient_assurance` or `step_up_subject_mismatch`, both 403.
 */
export function checkLoginAssurance (transaction: LoginTransaction, sub: string, assurance: LoginAssurance): void {
  const asked = transaction.assurance
  if (asked === undefined) return
  if (asked.level !== undefined && !meetsLevel(assurance.level, asked.level)) {
    throw new GatewayError('insufficient_assurance', `This login reached ${assurance.level === undefined ? 'no assurance level' : `the level ${assurance.level}`}; the eID asked for ${asked.level}. Nobody was signed in`, 403)
  }
  if (asked.stepUpOf === undefined) return
  if (sub !== asked.stepUpOf) {
    throw new GatewayError('step_up_subject_mismatch', 'The step-up signed in another person than this session\'s; the session stays as it was', 403)
  }
  if (assurance.authTime === undefined || assurance.authTime < transaction.createdAt / 1000 - CLOCK_TOLERANCE_SECONDS) {
    throw new GatewayError('insufficient_assurance', 'The provider did not authenticate the person again for this step-up; the session stays as it was', 403)
  }
}

/** What a service behind `/api/<name>` asks of the session's login. */
export interface AssuranceRequirement {
  readonly level: AssuranceLevel | undefined
  readonly maxAgeSeconds: number | undefined
}

/** A refusal to put in front of a service: the message and its RFC 9470 challenge. */
export interface StepUpDemand {
  readonly message: string
  readonly challenge: string
}

/**
 * RFC 9470: whether the session's login falls short of what the service
 * asks (a lower level, none, or an authentication longer ago than its
 * maxAge), and if so the challenge that says how to step up: `acr_values`
 * of the configured eID options that reach the level, `max_age` when the
 * service sets one. `undefined` when the login will do.
 */
export function stepUpDemand (assurance: LoginAssurance | undefined, requirement: AssuranceRequirement, options: readonly EidOption[], now = Date.now()): StepUpDemand | undefined {
  const { level, maxAgeSeconds } = requirement
  const tooLow = level !== undefined && !meetsLevel(assurance?.level, level)
  const authTime = assurance?.authTime
  const tooOld = maxAgeSeconds !== undefined && (authTime === undefined || now / 1000 - authTime > maxAgeSeconds)
  if (!tooLow && !tooOld) return undefined
  const parameters = ['error="insufficient_user_authentication"']
  if (tooLow) {
    parameters.push(`error_description="This service needs a login at the level ${level} or higher"`)
    const acrValues = acrValuesReaching(options, level)
    if (acrValues.length > 0) parameters.push(`acr_values="${acrValues.join(' ')}"`)
  } else {
    parameters.push('error_description="This service needs a more recent login"')
  }
  // Always with the level's challenge too: a step-up answers both at once.
  if (maxAgeSeconds !== undefined) parameters.push(`max_age="${maxAgeSeconds}"`)
  return {
    message: tooLow
      ? `This service needs a login at the assurance level ${level ?? ''} or higher; step up with one of the eIDs that reach it`
      : `This service needs a login from the last ${maxAgeSeconds ?? 0} seconds; sign in again`,
    challenge: `Bearer ${parameters.join(', ')}`
  }
}
