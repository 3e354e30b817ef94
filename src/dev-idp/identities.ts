/** A person the embedded provider can sign in, shaped like the ID tokens Auth0 issues. */
export interface TestIdentity {
  readonly id: string
  /**
   * Auth0's subject: `oidc|itsme|<upstream sub>` for the enterprise OIDC
   * connection named `itsme`, `auth0|<id>` for a user of a database connection.
   */
  readonly sub: string
  /** How Auth0 signed this person in: through the itsme connection, or with a password (no eID at all). */
  readonly connection: 'itsme' | 'database'
  readonly label: string
  readonly description: string
  readonly givenName: string
  readonly familyName: string
  readonly birthdate?: string
  readonly gender?: 'female' | 'male'
  /** Under the Action's namespace: from itsme for the itsme logins, from the user's own profile for the database user. */
  readonly nationalNumber: string
  readonly address?: {
    readonly street_address: string
    readonly postal_code: string
    readonly locality: string
    readonly country: string
  }
}

export const TEST_IDENTITIES: readonly TestIdentity[] = [
  {
    id: 'chris',
    connection: 'itsme',
    sub: 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}',
    label: 'Chris Ricardo',
    description: 'Born 1965, full profile with address',
    givenName: 'Chris',
    familyName: 'Ricardo',
    birthdate: '1965-07-08',
    gender: 'female',
    nationalNumber: '65070862267',
    address: { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', country: 'BE' }
  },
  {
    id: 'lotte',
    connection: 'itsme',
    sub: 'oidc|itsme|{3c1f5e2a-7b4d-4e8a-9f61-0d2b8c7a5e14}',
    label: 'Lotte Janssens',
    description: 'Born 2012, under 18 (national number with the 2000+ rule)',
    givenName: 'Lotte',
    familyName: 'Janssens',
    birthdate: '2012-03-15',
    gender: 'female',
    nationalNumber: '12031523406',
    address: { street_address: 'Veldstraat 12', postal_code: '9000', locality: 'Gent', country: 'BE' }
  },
  {
    id: 'luc',
    connection: 'itsme',
    sub: 'oidc|itsme|{9e4b7c21-5a3f-4d6e-8b90-2f1c6d8e7a35}',
    label: 'Luc Peeters',
    description: 'Born 1980, did not share an address',
    givenName: 'Luc',
    familyName: 'Peeters',
    birthdate: '1980-11-23',
    gender: 'male',
    nationalNumber: '80112315737'
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
    address: { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', country: 'BE' }
  }
]

export function findIdentity (predicate: (identity: TestIdentity) => boolean): TestIdentity | undefined {
  return TEST_IDENTITIES.find(predicate)
}

/**
 * The ID token claims of an identity, with the custom claims named as the
 * Auth0 Action names them. A database user has no birth date or gender from
 * anywhere, but the careless Action still added the namespaced claims.
 */
export function identityClaims (identity: TestIdentity, namespace: string): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: identity.sub,
    name: `${identity.givenName} ${identity.familyName}`,
    given_name: identity.givenName,
    family_name: identity.familyName
  }
  if (identity.birthdate !== undefined) claims.birthdate = identity.birthdate
  if (identity.gender !== undefined) claims.gender = identity.gender
  claims[`${namespace}/nationalnumber`] = identity.nationalNumber
  if (identity.address !== undefined) {
    const { street_address: street, postal_code: postalCode, locality } = identity.address
    claims[`${namespace}/address`] = { ...identity.address, formatted: `${street} ${postalCode} ${locality}` }
  }
  return claims
}
