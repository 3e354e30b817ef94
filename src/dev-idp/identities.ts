/** One way a test person can authenticate: the acr value the provider then signs, and the methods (RFC 8176 `amr`). */
export interface TestLogin {
  readonly acr: string
  readonly amr: readonly string[]
}

/** A person the embedded provider can sign in, shaped like the ID tokens Auth0 or Idura issue. */
export interface TestIdentity {
  readonly id: string
  /**
   * The subject: Auth0's `oidc|itsme|<upstream sub>` for the enterprise OIDC
   * connection named `itsme`, `auth0|<id>` for a user of a database
   * connection, or Idura's own `{guid}` when Idura is the issuer.
   */
  readonly sub: string
  /**
   * How this person signs in: through Auth0's itsme connection (claims
   * namespaced as the Action adds them), with a password (no eID at all), or
   * at Idura itself (its own claim names, bare).
   */
  readonly connection: 'itsme' | 'database' | 'idura'
  /** Our short name of the eID, for the chooser's groups; none for the password account. */
  readonly eid?: string
  readonly label: string
  readonly description: string
  readonly givenName: string
  readonly familyName: string
  readonly birthdate?: string
  readonly gender?: 'female' | 'male'
  /** Under the Action's namespace: from itsme for the itsme logins, from the user's own profile for the database user. */
  readonly nationalNumber?: string
  /** Idura's own claims for this person: `identityscheme`, the identifier claim, `country`. */
  readonly idura?: Readonly<Record<string, string>>
  readonly address?: {
    readonly street_address: string
    readonly postal_code: string
    readonly locality: string
    readonly country: string
  }
  /**
   * The acr values this person can sign in with, lowest level first. The
   * provider signs the first one asked for that is here, else the first
   * (a lower one than asked: what the gateway must refuse).
   */
  readonly logins: readonly TestLogin[]
}

const ITSME_BASIC: TestLogin = { acr: 'urn:grn:authn:itsme:basic', amr: ['fpt'] }
const ITSME_ADVANCED: TestLogin = { acr: 'urn:grn:authn:itsme:advanced', amr: ['pin'] }

/*
 * The itsme people sign in through the Auth0 stand-in; the other eIDs' people
 * as Idura itself would sign them in. Their names and identifiers are those of
 * Idura's published test users (docs.idura.app, "JWT payloads per eID type").
 */
export const TEST_IDENTITIES: readonly TestIdentity[] = [
  {
    id: 'chris',
    connection: 'itsme',
    eid: 'itsme',
    sub: 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}',
    label: 'Chris Ricardo',
    description: 'Born 1965, full profile with address; itsme basic or advanced',
    givenName: 'Chris',
    familyName: 'Ricardo',
    birthdate: '1965-07-08',
    gender: 'female',
    nationalNumber: '65070862267',
    address: { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', country: 'BE' },
    logins: [ITSME_BASIC, ITSME_ADVANCED]
  },
  {
    id: 'lotte',
    connection: 'itsme',
    eid: 'itsme',
    sub: 'oidc|itsme|{3c1f5e2a-7b4d-4e8a-9f61-0d2b8c7a5e14}',
    label: 'Lotte Janssens',
    description: 'Born 2012, under 18 (national number with the 2000+ rule)',
    givenName: 'Lotte',
    familyName: 'Janssens',
    birthdate: '2012-03-15',
    gender: 'female',
    nationalNumber: '12031523406',
    address: { street_address: 'Veldstraat 12', postal_code: '9000', locality: 'Gent', country: 'BE' },
    logins: [ITSME_BASIC, ITSME_ADVANCED]
  },
  {
    id: 'luc',
    connection: 'itsme',
    eid: 'itsme',
    sub: 'oidc|itsme|{9e4b7c21-5a3f-4d6e-8b90-2f1c6d8e7a35}',
    label: 'Luc Peeters',
    description: 'Born 1980, did not share an address; itsme basic only (fingerprint)',
    givenName: 'Luc',
    familyName: 'Peeters',
    birthdate: '1980-11-23',
    gender: 'male',
    nationalNumber: '80112315737',
    logins: [ITSME_BASIC]
  },
  {
    id: 'mikkel',
    connection: 'idura',
    eid: 'nobankid',
    sub: '{ee9b1bb9-05a6-458e-9f3b-9d068f1a3765}',
    label: 'Mikkel Larsen',
    description: 'Norwegian BankID: biometrics (substantial) or kodebrikke (high)',
    givenName: 'Mikkel',
    familyName: 'Larsen',
    birthdate: '1946-03-27',
    idura: { identityscheme: 'nobankid-oidc', socialno: '27034698436', country: 'NO' },
    logins: [
      { acr: 'urn:grn:authn:no:bankid:substantial', amr: ['face'] },
      { acr: 'urn:grn:authn:no:bankid', amr: ['face'] },
      { acr: 'urn:grn:authn:no:bankid:high', amr: ['hwk', 'otp', 'pwd'] }
    ]
  },
  {
    id: 'terne',
    connection: 'idura',
    eid: 'sebankid',
    sub: '{1373c272-b61a-4cb5-88b2-9c44883fe62f}',
    label: 'Terne Paulsen',
    description: 'Swedish BankID, on this device or another',
    givenName: 'Terne',
    familyName: 'Paulsen',
    birthdate: '1968-02-02',
    idura: { identityscheme: 'sebankid', ssn: '196802020575', country: 'SE' },
    logins: [
      { acr: 'urn:grn:authn:se:bankid', amr: ['swk', 'pin'] },
      { acr: 'urn:grn:authn:se:bankid:same-device', amr: ['swk', 'pin'] },
      { acr: 'urn:grn:authn:se:bankid:another-device', amr: ['swk', 'pin'] },
      { acr: 'urn:grn:authn:se:bankid:another-device:qr', amr: ['swk', 'pin'] }
    ]
  },
  {
    id: 'ditlev',
    connection: 'idura',
    eid: 'dkmitid',
    sub: '{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}',
    label: 'Ditlev Von Testesen',
    description: 'MitID: password (low), app (substantial) or chip (high)',
    givenName: 'Ditlev',
    familyName: 'Von Testesen',
    birthdate: '1927-01-21',
    idura: { identityscheme: 'dkmitid', cprNumberIdentifier: '2101270087', country: 'DK' },
    logins: [
      { acr: 'urn:grn:authn:dk:mitid:low', amr: ['pwd'] },
      { acr: 'urn:grn:authn:dk:mitid:substantial', amr: ['swk'] },
      { acr: 'urn:grn:authn:dk:mitid:high', amr: ['hwk', 'pwd'] }
    ]
  },
  {
    id: 'vaino',
    connection: 'idura',
    eid: 'ftn',
    sub: '{788eb5ab-b2f8-4c09-94a4-d359f416f7ca}',
    label: 'Väinö Tunnistus',
    description: 'Finnish Trust Network: a bank or the mobile certificate',
    givenName: 'Väinö',
    familyName: 'Tunnistus',
    birthdate: '1970-07-07',
    idura: { identityscheme: 'fitupas', hetu: '070770-905D', country: 'FI' },
    logins: [
      { acr: 'urn:grn:authn:fi:all', amr: ['pwd', 'otp'] },
      { acr: 'urn:grn:authn:fi:bank-id', amr: ['pwd', 'otp'] },
      { acr: 'urn:grn:authn:fi:mobile-id', amr: ['sms', 'pin'] }
    ]
  },
  {
    // What an Auth0 Action that copies user_metadata produced: the user typed
    // someone else's national number and address into their own profile.
    id: 'mallory',
    connection: 'database',
    sub: 'auth0|6650f1c2a7b3e40012d4c9aa',
    label: 'Mallory Maes (password account)',
    description: 'Not an eID login: claims Chris\'s national number and address in her own profile',
    givenName: 'Mallory',
    familyName: 'Maes',
    nationalNumber: '65070862267',
    address: { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', country: 'BE' },
    logins: []
  }
]

/** Every acr value the test people can sign in with (the provider's `acr_values_supported`). */
export const TEST_ACR_VALUES: readonly string[] = [...new Set(TEST_IDENTITIES.flatMap((identity) => identity.logins.map((login) => login.acr)))]

export function findIdentity (predicate: (identity: TestIdentity) => boolean): TestIdentity | undefined {
  return TEST_IDENTITIES.find(predicate)
}

/**
 * The login the provider signs for `identity` when `requested` acr values
 * were asked for: the first asked that the person has, else the person's
 * first (lowest). `downgrade` always answers the lowest, whatever was asked:
 * a provider, or a tampered request, that gives less than asked. None for a
 * person without an eID.
 */
export function chooseLogin (identity: TestIdentity, requested: readonly string[], downgrade = false): TestLogin | undefined {
  const [lowest] = identity.logins
  if (downgrade) return lowest
  return requested.map((acr) => identity.logins.find((login) => login.acr === acr)).find((login) => login !== undefined) ?? lowest
}

/**
 * The claims beyond the standard ones that the provider's ID tokens may
 * carry: what the Auth0 Action adds under `namespace`, Idura's own claim
 * names, and the authentication's `acr`, `amr` and `auth_time`.
 */
export function identityClaimNames (namespace: string): string[] {
  const idura = [...new Set(TEST_IDENTITIES.flatMap((identity) => Object.keys(identity.idura ?? {})))]
  return [
    'acr', 'amr', 'auth_time',
    `${namespace}/nationalnumber`, `${namespace}/address`, `${namespace}/identityscheme`, `${namespace}/authenticationtype`,
    'authenticationtype', ...idura
  ]
}

/**
 * The ID token claims of an identity, with the custom claims named as the
 * Auth0 Action names them, or bare as Idura sends them. `login` is the
 * authentication the token is about (its acr); the Action relays Idura's
 * `authenticationtype` under the namespace, while Auth0's own `acr` and
 * `amr` stay Auth0's. A database user has no birth date or gender from
 * anywhere, but the careless Action still added the namespaced claims.
 */
export function identityClaims (identity: TestIdentity, namespace: string, login?: { readonly acr?: unknown }): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: identity.sub,
    name: `${identity.givenName} ${identity.familyName}`,
    given_name: identity.givenName,
    family_name: identity.familyName
  }
  if (identity.birthdate !== undefined) claims.birthdate = identity.birthdate
  if (identity.gender !== undefined) claims.gender = identity.gender
  const acr = typeof login?.acr === 'string' && identity.logins.some((known) => known.acr === login.acr) ? login.acr : undefined
  if (identity.connection === 'idura') {
    Object.assign(claims, identity.idura)
    if (acr !== undefined) claims.authenticationtype = acr
    return claims
  }
  if (identity.nationalNumber !== undefined) claims[`${namespace}/nationalnumber`] = identity.nationalNumber
  if (identity.address !== undefined) {
    const { street_address: street, postal_code: postalCode, locality } = identity.address
    claims[`${namespace}/address`] = { ...identity.address, formatted: `${street} ${postalCode} ${locality}` }
  }
  if (identity.connection === 'itsme') {
    claims[`${namespace}/identityscheme`] = 'itsme'
    if (acr !== undefined) claims[`${namespace}/authenticationtype`] = acr
  }
  return claims
}
