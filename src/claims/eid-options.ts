import { GatewayError } from '../errors.js'
import { meetsLevel, type AssuranceLevel } from './assurance.js'
import { EIDS, findEidByAcr } from './eids.js'

/**
 * One way to sign in that `/login?eid=<name>` offers (EID_CONNECTIONS): an
 * Auth0 connection, or Idura's acr values when Idura is the issuer, and the
 * level its logins must reach.
 */
export interface EidOption {
  /** What `/login?eid=` names. */
  readonly name: string
  /** The eID it signs in with, by our short name (`itsme`, `nobankid`…): as configured, else its acr values', else its name. */
  readonly eid: string
  /** The Auth0 connection sent as `connection`; undefined when Idura is the issuer. */
  readonly connection: string | undefined
  /**
   * Sent as `acr_values`: to Idura as the issuer, or to an Auth0 connection
   * that passes them on (its `upstream_params`).
   */
  readonly acrValues: readonly string[]
  /**
   * The acr value an Auth0 connection is bound to by its metadata URL (the
   * base64 in Idura's discovery path): Auth0 neither forwards acr_values of
   * its own accord nor relays the acr it got, so this is how the gateway
   * knows what the connection asks Idura for.
   */
  readonly connectionAcr: string | undefined
  /** Put first in `login_hint` (Idura's directives, e.g. `BID` for Norwegian BankID without biometrics). */
  readonly loginHint: string | undefined
  /** What a login through it must reach: the lowest level its acr values prove; none when one of them proves none. */
  readonly level: AssuranceLevel | undefined
}

/**
 * The option `/login?eid=` names; none for an empty or absent name (the
 * provider's own choice).
 *
 * @throws GatewayError `invalid_request` for a name that is not configured.
 */
export function chosenEidOption (options: readonly EidOption[], name: string | undefined): EidOption | undefined {
  if (name === undefined || name === '') return undefined
  const option = options.find((candidate) => candidate.name === name)
  if (option !== undefined) return option
  throw new GatewayError('invalid_request', options.length > 0
    ? `Unknown eid; this gateway offers: ${options.map((candidate) => candidate.name).join(', ')}`
    : 'This gateway has no eID connections configured (EID_CONNECTIONS)')
}

/** The acr values a login through this option asks for (sent, or bound to its connection). */
export function askedAcrValues (option: EidOption): readonly string[] {
  return option.connectionAcr === undefined ? option.acrValues : [option.connectionAcr]
}

/** The eID that all of these acr values belong to; `undefined` when they name none, several, or one that is not ours. */
export function eidOfAcrValues (acrValues: readonly string[]): string | undefined {
  const eids = new Set(acrValues.map((acr) => findEidByAcr(acr)?.eid))
  if (eids.size !== 1) return undefined
  return eids.values().next().value
}

/**
 * The authorization parameters that pick this option at the provider:
 * `connection` (Auth0), `acr_values`, and `login_hint` with the option's
 * directives first and the login's own hint, when it has one, after them.
 */
export function eidAuthorizationParameters (option: EidOption, loginHint?: string): Record<string, string> {
  const parameters: Record<string, string> = {}
  if (option.connection !== undefined) parameters.connection = option.connection
  if (option.acrValues.length > 0) parameters.acr_values = option.acrValues.join(' ')
  const hint = [option.loginHint, loginHint].filter((part) => part !== undefined && part !== '').join(' ')
  if (hint !== '') parameters.login_hint = hint
  return parameters
}

/**
 * The acr values of the configured options whose logins reach `level`, each
 * once, in the configuration's order: what a step-up challenge offers
 * (RFC 9470 `acr_values`).
 */
export function acrValuesReaching (options: readonly EidOption[], level: AssuranceLevel): string[] {
  const values = options.filter((option) => meetsLevel(option.level, level)).flatMap(askedAcrValues)
  return [...new Set(values)]
}

/**
 * Which eIDs an Auth0 connection signs in with, by the options that name it;
 * a connection no option names is the eID it is named like, if any, as
 * EID_CONNECTIONS has always treated it.
 */
export function connectionEids (options: readonly EidOption[]): (connection: string) => readonly string[] {
  return (connection) => {
    const eids = [...new Set(options.filter((option) => option.connection === connection).map((option) => option.eid))]
    if (eids.length > 0) return eids
    return EIDS.some((definition) => definition.eid === connection) ? [connection] : []
  }
}
