import { normalizeCpr } from './danish-cpr.js'
import { normalizeHetu } from './finnish-hetu.js'
import { normalizeNationalNumber } from './national-number.js'
import { normalizeFodselsnummer } from './norwegian-fodselsnummer.js'
import { normalizePersonnummer } from './swedish-personnummer.js'

/** An eID we map to the profile, and the national identifier it asserts. */
export interface EidDefinition {
  /** Our short name for it: `/me`'s `eid`, and the name to use in EID_CONNECTIONS. */
  readonly eid: string
  /** The `identityscheme` values Criipto Verify sends for it, lower case. */
  readonly identitySchemes: readonly string[]
  /**
   * Criipto Verify's acr values for it, lower case, as prefixes: the value
   * itself or one that goes on after a colon (`urn:grn:authn:se:bankid` covers
   * `urn:grn:authn:se:bankid:same-device`). Criipto signs the one used in
   * `authenticationtype` (and `acr`).
   */
  readonly acrValues: readonly string[]
  /** ISO 3166-1 alpha-2 code of the country that issues the identifier. */
  readonly country: string
  /** `nationalId.type`: the identifier's own name in that country. */
  readonly type: string
  /** The claim that carries it, bare as Criipto names it; an Auth0 Action puts it under the namespace. */
  readonly claim: string
  /** The identifier in its standard form, or `undefined` when the claim is not a valid one. */
  readonly normalize: (raw: unknown) => string | undefined
}

/*
 * Claim names and identityscheme values are those of Criipto Verify's
 * "JWT payloads pr. eID type" page (https://docs.criipto.com/verify/getting-started/token-contents/,
 * now also at https://docs.idura.app/verify/reference/token-contents) and of
 * each eID's page, linked below.
 */
export const EIDS: readonly EidDefinition[] = [
  {
    // https://docs.criipto.com/verify/e-ids/itsme/ : "nationalnumber": "42501093792"
    eid: 'itsme',
    identitySchemes: ['itsme'],
    // urn:grn:authn:itsme:basic, urn:grn:authn:itsme:advanced
    acrValues: ['urn:grn:authn:itsme'],
    country: 'BE',
    type: 'rrn',
    claim: 'nationalnumber',
    normalize: normalizeNationalNumber
  },
  {
    // https://docs.criipto.com/verify/e-ids/norwegian-bankid/ : "identityscheme": "nobankid-oidc",
    // "socialno": "27034698436" (released when the ssn scope is granted). Older tenants
    // send "nobankid" (Criipto's own list: github.com/criipto/criipto-signatures-validation,
    // library/src/claims.ts).
    eid: 'nobankid',
    identitySchemes: ['nobankid-oidc', 'nobankid'],
    // urn:grn:authn:no:bankid, and its levels (urn:grn:authn:no:bankid:substantial…)
    acrValues: ['urn:grn:authn:no:bankid'],
    country: 'NO',
    type: 'fodselsnummer',
    claim: 'socialno',
    normalize: normalizeFodselsnummer
  },
  {
    // https://docs.criipto.com/verify/e-ids/swedish-bankid/ : "identityscheme": "sebankid",
    // "ssn": "196802020575"
    eid: 'sebankid',
    identitySchemes: ['sebankid'],
    // urn:grn:authn:se:bankid, …:same-device, …:qr (formerly …:another-device)
    acrValues: ['urn:grn:authn:se:bankid'],
    country: 'SE',
    type: 'personnummer',
    claim: 'ssn',
    normalize: normalizePersonnummer
  },
  {
    // https://docs.criipto.com/verify/e-ids/danish-mitid/ : "identityscheme": "dkmitid",
    // "cprNumberIdentifier": "2101270087", sent only when the application collects CPR
    // ("Add CPR for MitID logins", or scope=openid ssn); MitID itself has no CPR.
    eid: 'dkmitid',
    identitySchemes: ['dkmitid'],
    // urn:grn:authn:dk:mitid:low, …:substantial, …:high
    acrValues: ['urn:grn:authn:dk:mitid'],
    country: 'DK',
    type: 'cpr',
    claim: 'cprNumberIdentifier',
    normalize: normalizeCpr
  },
  {
    // https://docs.criipto.com/verify/e-ids/finnish-trust-network : "identityscheme": "fitupas"
    // for the banks, "hetu": "070770-905D". Mobiilivarmenne comes as "fimobileid" (Criipto's
    // list above). "satu", the certificate's electronic identifier, is another identifier
    // and is empty for bank logins, so it is not read.
    eid: 'ftn',
    identitySchemes: ['fitupas', 'fimobileid'],
    // urn:grn:authn:fi:bank-id, urn:grn:authn:fi:mobile-id, urn:grn:authn:fi:all
    acrValues: ['urn:grn:authn:fi'],
    country: 'FI',
    type: 'hetu',
    claim: 'hetu',
    normalize: normalizeHetu
  }
]

/**
 * The eID named `name`, by our short name or by one of its `identityscheme`
 * values, in any case; `undefined` for an eID not in the table.
 */
export function findEid (name: string): EidDefinition | undefined {
  const key = name.toLowerCase()
  return EIDS.find((definition) => definition.eid === key || definition.identitySchemes.includes(key))
}

/**
 * The eID of a Criipto acr value (`urn:grn:authn:itsme:advanced` → itsme), in
 * any case; `undefined` for any other value, such as an MFA policy URL.
 */
export function findEidByAcr (acr: string): EidDefinition | undefined {
  const key = acr.toLowerCase()
  return EIDS.find((definition) => definition.acrValues.some((prefix) => key === prefix || key.startsWith(`${prefix}:`)))
}
