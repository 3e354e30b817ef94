import t from 'tap'
import { toProfile, type Profile } from '../../src/claims/profile.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'

const NS = 'https://example.com'
const CHRIS: Profile = CHRIS_PROFILE


const standardClaims = {
  sub: CHRIS.sub,
  name: 'Chris Ricardo',
  given_name: 'Chris',
  family_name: 'Ricardo',
  birthdate: '1965-07-08',
  gender: 'female'
}

const auth0Claims = {
  ...standardClaims,
  [`${NS}/nationalnumber`]: '65070862267',
  [`${NS}/address`]: { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', formatted: 'Louizalaan 7 1000 Brussel', country: 'BE' },
  iss: 'https://tenant.eu.auth0.com/',
  aud: 'client'
}

// Shaped like Criipto Verify's documented itsme token (nulls for unknown address parts, `city` beside `locality`).
const criiptoClaims = {
  identityscheme: 'itsme',
  authenticationtype: 'urn:grn:authn:itsme:advanced',
  ...standardClaims,
  nationalnumber: '65070862267',
  email: 'chris@example.com',
  address: { formatted: 'Louizalaan 7 1000 Brussel', common_name: null, street_address: 'Louizalaan 7', postal_code: '1000', city: null, locality: 'Brussel', region: null, country: 'be' }
}

const rows: Array<[string, Record<string, unknown>, Parameters<typeof toProfile>[1], Profile]> = [
  ['the Auth0 Action dialect gives the contract profile', auth0Claims, { claimsNamespace: NS }, CHRIS],
  ['Criipto Verify\'s own itsme claims give the same profile', criiptoClaims, {}, CHRIS],
  ['a namespace with a trailing slash works', auth0Claims, { claimsNamespace: `${NS}/` }, CHRIS],
  ['without the namespace the custom claims are not read', auth0Claims, {},
    { sub: CHRIS.sub, name: 'Chris Ricardo', givenName: 'Chris', familyName: 'Ricardo', birthdate: '1965-07-08', gender: 'female', eid: 'itsme' }],
  ['missing claims are left out', { sub: 'abc' }, { claimsNamespace: NS }, { sub: 'abc' }],
  ['a bad national number is left out', { sub: 'abc', [`${NS}/nationalnumber`]: '65070862268' }, { claimsNamespace: NS }, { sub: 'abc' }],
  ['wrong types are ignored', { sub: 'abc', name: 42, given_name: ['x'], birthdate: 19650708, gender: null, [`${NS}/address`]: 7 }, { claimsNamespace: NS }, { sub: 'abc' }],
  ['a malformed birthdate is ignored', { sub: 'abc', birthdate: '08/07/1965' }, {}, { sub: 'abc' }],
  ['empty strings count as absent', { sub: 'abc', name: '  ', [`${NS}/address`]: { street_address: '' } }, { claimsNamespace: NS }, { sub: 'abc' }],
  ['a plain-string address is the formatted address', { sub: 'abc', address: 'Louizalaan 7 1000 Brussel' }, {}, { sub: 'abc', address: { formatted: 'Louizalaan 7 1000 Brussel' } }],
  ['the standard address claim maps too', { sub: 'abc', address: { street_address: 'Veldstraat 12', postal_code: '9000', locality: 'Gent', country: 'BE' } }, {},
    { sub: 'abc', address: { streetAddress: 'Veldstraat 12', postalCode: '9000', locality: 'Gent', country: 'BE' } }],
  ['the eid chosen at login names the source', { sub: 'abc' }, { eid: 'itsme' }, { sub: 'abc', eid: 'itsme' }],
  ['the Auth0 connection in the sub is looked up in EID_CONNECTIONS', { sub: 'oidc|criipto-itsme|{x}' }, { eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'oidc|criipto-itsme|{x}', eid: 'itsme' }],
  ['an unknown connection names no eid', { sub: 'oidc|corp-sso|{x}' }, { eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'oidc|corp-sso|{x}' }],
  ['identityscheme wins over the login choice', { sub: 'abc', identityscheme: 'itsme' }, { eid: 'other' }, { sub: 'abc', eid: 'itsme' }],
  ['a namespaced identityscheme is read too', { sub: 'abc', [`${NS}/identityscheme`]: 'itsme' }, { claimsNamespace: NS }, { sub: 'abc', eid: 'itsme' }],
  ['a national number with separators is normalised', { sub: 'abc', nationalnumber: '65.07.08-622.67' }, {}, { sub: 'abc', nationalNumber: '65070862267' }]
]

for (const [name, claims, options, expected] of rows) {
  t.same(toProfile(claims, options), expected, name)
}

t.test('extra fields never leak into the profile', async (t) => {
  const profile = toProfile(criiptoClaims, {}) as unknown as Record<string, unknown>
  t.notOk('email' in profile)
  t.notOk('authenticationtype' in profile)
  t.notOk('identityscheme' in profile)
})

t.test('claims without a sub are a programmer error', async (t) => {
  t.throws(() => toProfile({ name: 'x' }), TypeError)
  t.throws(() => toProfile({ sub: '' }), TypeError)
})
