/** eIDAS levels of assurance (Regulation (EU) 2015/1502), lowest first. */
export const ASSURANCE_LEVELS = ['low', 'substantial', 'high'] as const
export type AssuranceLevel = typeof ASSURANCE_LEVELS[number]

/** One acr value Idura (Criipto Verify) signs, the eID it belongs to and the level it proves. */
export interface AcrLevel {
  /** Lower case, as in `authenticationtype` and `acr`. */
  readonly acr: string
  /** Our short name of the eID (src/claims/eids.ts). */
  readonly eid: string
  readonly level: AssuranceLevel
}

/*
 * What each acr value proves. The acr values are those of Idura's
 * authorize URL builder and "supported login methods" list
 * (https://docs.idura.app/verify/guides/authorize-url-builder/, source:
 * github.com/criipto/docs, src/utils/auth-methods.ts and
 * src/snippets/login-methods.mdx); the levels are what each eID's own page
 * says, or what its scheme is notified or certified at, as noted per row.
 * Where a source leaves the level of one value open, the row takes the
 * lower level the value may stand for: an upstream that asks for "high"
 * must never be admitted on a guess. A value not in this table proves no
 * level at all.
 */
export const ACR_LEVELS: readonly AcrLevel[] = [
  // itsme (urn:grn:authn:itsme:basic and :advanced in Idura's list until
  // it dropped itsme in November 2025, github.com/criipto/docs commit f475169):
  // the FAS/itsme scheme was notified under eIDAS at level high on
  // 2019-12-18 (https://www.itsme-id.com/en-BE/business/blog/eidas-loa-high;
  // Cooperation Network opinion no. 8 on the Belgian eID scheme FAS/itsme).
  // itsme's own acr_advanced "forces the user to use his itsme code", while
  // acr_basic "lets the user choose either fingerprint usage or itsme code"
  // (github.com/belgianmobileid/doc, _OIDC/chapters/authorization_request.md).
  // Neither source says that a login unlocked by the phone's biometrics is
  // the notified "high", so basic is taken as substantial.
  { acr: 'urn:grn:authn:itsme:advanced', eid: 'itsme', level: 'high' },
  { acr: 'urn:grn:authn:itsme:basic', eid: 'itsme', level: 'substantial' },
  // Norwegian BankID (https://docs.idura.app/verify/e-ids/norwegian-bankid/):
  // ":high" (kodebrikke, the netcentric authenticators) "High", ":substantial"
  // (BankID app with biometrics) "Substantial". The bare value lets the user
  // pick the biometric app too ("If you can only use assurance level High ...
  // you must explicitly specify login_hint=BID"), so it proves substantial.
  { acr: 'urn:grn:authn:no:bankid:high', eid: 'nobankid', level: 'high' },
  { acr: 'urn:grn:authn:no:bankid:substantial', eid: 'nobankid', level: 'substantial' },
  { acr: 'urn:grn:authn:no:bankid', eid: 'nobankid', level: 'substantial' },
  // Swedish BankID is not notified under eIDAS. It meets the Swedish e-ID
  // trust framework at trust level 3 (https://www.bankid.com/en/juridik-och-regelverk),
  // which DIGG says corresponds fully to eIDAS "substantial" (väsentlig)
  // (https://elegnamnden.se/eidas/anpassaetjansttilleidas/valjtillitsnivainomeidas.4.4498694515fe27cdbcf1ff.html).
  // The value only picks the device flow; every one is the same BankID.
  { acr: 'urn:grn:authn:se:bankid', eid: 'sebankid', level: 'substantial' },
  { acr: 'urn:grn:authn:se:bankid:same-device', eid: 'sebankid', level: 'substantial' },
  { acr: 'urn:grn:authn:se:bankid:another-device', eid: 'sebankid', level: 'substantial' },
  { acr: 'urn:grn:authn:se:bankid:another-device:qr', eid: 'sebankid', level: 'substantial' },
  { acr: 'urn:grn:authn:se:bankid:qr', eid: 'sebankid', level: 'substantial' },
  // MitID (https://docs.idura.app/verify/e-ids/danish-mitid/, "Levels of
  // assurance"): each value is the eIDAS level it names. MitID Erhverv
  // (urn:grn:authn:dk:mitid:business) names none and is left out.
  { acr: 'urn:grn:authn:dk:mitid:high', eid: 'dkmitid', level: 'high' },
  { acr: 'urn:grn:authn:dk:mitid:substantial', eid: 'dkmitid', level: 'substantial' },
  { acr: 'urn:grn:authn:dk:mitid:low', eid: 'dkmitid', level: 'low' },
  // Finnish Trust Network (https://docs.idura.app/verify/e-ids/finnish-trust-network/):
  // "The level of assurance for all Finnish authenticators is: Substantial".
  { acr: 'urn:grn:authn:fi:bank-id', eid: 'ftn', level: 'substantial' },
  { acr: 'urn:grn:authn:fi:mobile-id', eid: 'ftn', level: 'substantial' },
  { acr: 'urn:grn:authn:fi:all', eid: 'ftn', level: 'substantial' }
]

/** The table's row for an acr value, in any case; `undefined` for any value it does not list. */
export function findAcrLevel (acr: string): AcrLevel | undefined {
  const key = acr.toLowerCase()
  return ACR_LEVELS.find((row) => row.acr === key)
}

/** Whether `actual` reaches `required`; no level reaches nothing. */
export function meetsLevel (actual: AssuranceLevel | undefined, required: AssuranceLevel): boolean {
  return actual !== undefined && ASSURANCE_LEVELS.indexOf(actual) >= ASSURANCE_LEVELS.indexOf(required)
}

/** The lower of two levels; `undefined` (no level) is lower than any. */
export function lowerLevel (a: AssuranceLevel | undefined, b: AssuranceLevel | undefined): AssuranceLevel | undefined {
  if (a === undefined || b === undefined) return undefined
  return ASSURANCE_LEVELS.indexOf(a) <= ASSURANCE_LEVELS.indexOf(b) ? a : b
}

/**
 * The level a list of acr values proves together: the lowest of them, since
 * a provider may answer with any one. `undefined` for an empty list or when
 * one of them proves no level.
 */
export function levelOfAcrValues (acrValues: readonly string[]): AssuranceLevel | undefined {
  if (acrValues.length === 0) return undefined
  return acrValues.map((acr) => findAcrLevel(acr)?.level).reduce<AssuranceLevel | undefined>((lowest, level) => lowerLevel(lowest, level), 'high')
}
