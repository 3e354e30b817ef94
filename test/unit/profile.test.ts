import t from 'tap'
import { toProfile, type Profile, type ProfileOptions } from '../../src/claims/profile.js'

const NS = 'https://example.com'
const AUTH0_SUB = 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}'
const CRIIPTO_SUB = '{f729d0aa-db04-44e7-b5c7-b961cd170db3}'

/** The `/me` example of the contract, without `session`. */
const CONTRACT_PROFILE: Profile = {
  sub: AUTH0_SUB,
  name: 'Chris Ricardo',
  givenName: 'Chris',
  familyName: 'Ricardo',
  birthdate: '1965-07-08',
  gender: 'female',
  nationalNumber: '65070862267',
  nationalId: { country: 'BE', type: 'rrn', value: '65070862267' },
  address: {
    formatted: 'Louizalaan 7 1000 Brussel',
    streetAddress: 'Louizalaan 7',
    postalCode: '1000',
    locality: 'Brussel',
    country: 'BE'
  },
  eid: 'itsme'
}

const standardClaims = {
  name: 'Chris Ricardo',
  given_name: 'Chris',
  family_name: 'Ricardo',
  birthdate: '1965-07-08',
  gender: 'female'
}

/** What Auth0 puts in the ID token when an Action copies itsme's extra claims under a namespace. */
const auth0Claims = {
  iss: 'https://tenant.eu.auth0.com/',
  aud: 'client-id',
  sub: AUTH0_SUB,
  ...standardClaims,
  [`${NS}/nationalnumber`]: '65070862267',
  [`${NS}/address`]: {
    street_address: 'Louizalaan 7',
    postal_code: '1000',
    locality: 'Brussel',
    formatted: 'Louizalaan 7 1000 Brussel',
    country: 'BE'
  }
}

/** Shaped like the itsme example in Criipto Verify's "JWT payloads pr. eID type" page. */
const criiptoClaims = {
  iss: 'https://example.criipto.id',
  aud: 'urn:my:application:identifier:1234',
  identityscheme: 'itsme',
  authenticationtype: 'urn:grn:authn:itsme:advanced',
  nameidentifier: 'f729d0aadb0444e7b5c7b961cd170db3',
  sub: CRIIPTO_SUB,
  deviceinfo: { os: 'IOS', deviceLockLevel: 'FACE_ID' },
  placeofbirth: { city: 'Uccle', country: 'BE', formatted: 'Uccle BE' },
  phone_number: '+32 470000000',
  email: 'chris@example.com',
  nationalnumber: '65070862267',
  ...standardClaims,
  address: {
    formatted: 'Louizalaan 7 1000 Brussel',
    common_name: null,
    street_address: 'Louizalaan 7',
    postal_code: '1000',
    city: null,
    locality: 'Brussel',
    region: null,
    country: 'BE'
  }
}

type Row = [name: string, claims: Record<string, unknown>, options: ProfileOptions, expected: Profile]

const dialects: Row[] = [
  ['the Auth0 Action dialect gives the contract profile', auth0Claims, { claimsNamespace: NS }, CONTRACT_PROFILE],
  ['Criipto Verify as the issuer gives the same profile under its own sub', criiptoClaims, {}, { ...CONTRACT_PROFILE, sub: CRIIPTO_SUB }],
  ['Criipto\'s claim names passed through an Auth0 connection give the contract profile', { ...criiptoClaims, sub: AUTH0_SUB }, { claimsNamespace: NS }, CONTRACT_PROFILE],
  ['a namespace with a trailing slash works', auth0Claims, { claimsNamespace: `${NS}/` }, CONTRACT_PROFILE],
  ['the dev set-up (EID_CONNECTIONS itsme → itsme) gives the contract profile', auth0Claims, { claimsNamespace: NS, eidConnections: { itsme: 'itsme' } }, CONTRACT_PROFILE],
  ['without the namespace the Action\'s claims are not read', auth0Claims, {},
    { sub: AUTH0_SUB, name: 'Chris Ricardo', givenName: 'Chris', familyName: 'Ricardo', birthdate: '1965-07-08', gender: 'female', eid: 'itsme' }],
  ['a different namespace is not read', auth0Claims, { claimsNamespace: 'https://other.example' },
    { sub: AUTH0_SUB, name: 'Chris Ricardo', givenName: 'Chris', familyName: 'Ricardo', birthdate: '1965-07-08', gender: 'female', eid: 'itsme' }]
]

const rules: Row[] = [
  ['only a sub gives only a sub', { sub: 'abc' }, { claimsNamespace: NS }, { sub: 'abc' }],
  ['missing claims are left out, sent ones kept', { sub: 'abc', family_name: 'Ricardo' }, {}, { sub: 'abc', familyName: 'Ricardo' }],
  ['wrong types are ignored',
    { sub: 'abc', name: 42, given_name: ['Chris'], family_name: { value: 'Ricardo' }, birthdate: 19650708, gender: true, nationalnumber: 65070862267, address: 7 },
    {}, { sub: 'abc' }],
  ['null claims are ignored', { sub: 'abc', name: null, address: null, nationalnumber: null }, {}, { sub: 'abc' }],
  ['blank strings count as not sent', { sub: 'abc', name: '  ', given_name: '', gender: ' ' }, {}, { sub: 'abc' }],
  ['surrounding blanks are trimmed', { sub: 'abc', given_name: ' Chris ' }, {}, { sub: 'abc', givenName: 'Chris' }],
  ['name is not made up from given and family names', { sub: 'abc', given_name: 'Chris', family_name: 'Ricardo' }, {},
    { sub: 'abc', givenName: 'Chris', familyName: 'Ricardo' }],
  ['a bad namespaced national number is left out', { sub: 'abc', [`${NS}/nationalnumber`]: '65070862268' }, { claimsNamespace: NS }, { sub: 'abc' }],
  ['a bad Criipto national number is left out', { sub: 'abc', nationalnumber: '6507086226' }, {}, { sub: 'abc' }],
  ['a national number with separators is normalised', { sub: 'abc', acr: 'urn:grn:authn:itsme:advanced', nationalnumber: '65.07.08-622.67' }, {},
    { sub: 'abc', nationalNumber: '65070862267', nationalId: { country: 'BE', type: 'rrn', value: '65070862267' }, eid: 'itsme' }],
  ['with itsme detected the national number is also the nationalId', { sub: 'abc', identityscheme: 'itsme', nationalnumber: '65.07.08-622.67' }, {},
    { sub: 'abc', nationalNumber: '65070862267', nationalId: { country: 'BE', type: 'rrn', value: '65070862267' }, eid: 'itsme' }],
  ['a bad national number gives neither field, even with itsme detected', { sub: 'abc', identityscheme: 'itsme', nationalnumber: '65070862268' }, {},
    { sub: 'abc', eid: 'itsme' }],
  ['a malformed birthdate is ignored', { sub: 'abc', birthdate: '08/07/1965' }, {}, { sub: 'abc' }],
  ['a year-only birthdate is kept (OIDC Core allows YYYY)', { sub: 'abc', birthdate: '1965' }, {}, { sub: 'abc', birthdate: '1965' }],
  ['the standard OIDC address claim maps', { sub: 'abc', address: { street_address: 'Veldstraat 12', postal_code: '9000', locality: 'Gent', country: 'BE' } }, {},
    { sub: 'abc', address: { streetAddress: 'Veldstraat 12', postalCode: '9000', locality: 'Gent', country: 'BE' } }],
  ['a plain-string address is the formatted address', { sub: 'abc', [`${NS}/address`]: 'Louizalaan 7 1000 Brussel' }, { claimsNamespace: NS },
    { sub: 'abc', address: { formatted: 'Louizalaan 7 1000 Brussel' } }],
  ['the namespaced address wins over the standard one', { sub: 'abc', address: 'Veldstraat 12 9000 Gent', [`${NS}/address`]: 'Louizalaan 7 1000 Brussel' },
    { claimsNamespace: NS }, { sub: 'abc', address: { formatted: 'Louizalaan 7 1000 Brussel' } }],
  ['a blank address string is left out', { sub: 'abc', address: '   ' }, {}, { sub: 'abc' }],
  ['an address of nulls is left out, not an empty object', { sub: 'abc', address: { formatted: null, street_address: null, city: null, country: null } }, {}, { sub: 'abc' }],
  ['an empty address object is left out', { sub: 'abc', address: {} }, {}, { sub: 'abc' }],
  ['an address array is ignored', { sub: 'abc', address: ['Louizalaan 7'] }, {}, { sub: 'abc' }],
  ['wrongly typed address parts are dropped one by one', { sub: 'abc', address: { street_address: 7, postal_code: 1000, locality: 'Brussel' } }, {},
    { sub: 'abc', address: { locality: 'Brussel' } }],
  ['Criipto\'s city stands in when locality is null', { sub: 'abc', address: { locality: null, city: 'Brussel' } }, {},
    { sub: 'abc', address: { locality: 'Brussel' } }],
  ['Criipto\'s city wins over its locality (MitID puts a place name or "(Lokalitet ukendt)" there)',
    { sub: 'abc', address: { locality: '(Lokalitet ukendt)', city: 'Hillerød' } }, {}, { sub: 'abc', address: { locality: 'Hillerød' } }],
  ['a lower-case ISO country code is upper-cased', { sub: 'abc', address: { country: 'be' } }, {}, { sub: 'abc', address: { country: 'BE' } }],
  ['a country written in words is kept as sent', { sub: 'abc', address: { country: 'Belgique' } }, {}, { sub: 'abc', address: { country: 'Belgique' } }]
]

/** An option older callers pass: the eid the browser chose at /login. It must change nothing. */
const browserChoice = (eid: string, options: ProfileOptions = {}): ProfileOptions => ({ ...options, eid } as ProfileOptions)

const eids: Row[] = [
  ['identityscheme itsme names itsme', { sub: 'abc', identityscheme: 'itsme' }, {}, { sub: 'abc', eid: 'itsme' }],
  ['identityscheme is read case-insensitively', { sub: 'abc', identityscheme: 'ItsMe' }, {}, { sub: 'abc', eid: 'itsme' }],
  ['a namespaced identityscheme is read', { sub: 'abc', [`${NS}/identityscheme`]: 'itsme' }, { claimsNamespace: NS }, { sub: 'abc', eid: 'itsme' }],
  ['an identityscheme with no short name is reported as sent', { sub: 'abc', identityscheme: 'nldigid' }, {}, { sub: 'abc', eid: 'nldigid' }],
  ['an unknown identityscheme is lower-cased like the known ones', { sub: 'abc', identityscheme: 'NLDigiD' }, {}, { sub: 'abc', eid: 'nldigid' }],
  ['Criipto\'s schemes map to our short names', { sub: 'abc', identityscheme: 'nobankid-oidc' }, {}, { sub: 'abc', eid: 'nobankid' }],
  ['both FTN schemes are ftn', { sub: 'abc', identityscheme: 'fimobileid' }, {}, { sub: 'abc', eid: 'ftn' }],
  ['a non-string identityscheme names no eid', { sub: 'abc', identityscheme: 1 }, {}, { sub: 'abc' }],
  ['a connection named like one of our eIDs is that eID without any configuration', { sub: 'oidc|sebankid|{x}' }, {}, { sub: 'oidc|sebankid|{x}', eid: 'sebankid' }],
  ['a connection named like an identityscheme is not an eID without configuration', { sub: 'oidc|nobankid-oidc|{x}' }, {}, { sub: 'oidc|nobankid-oidc|{x}' }],
  ['the connection in an Auth0 sub is looked up in EID_CONNECTIONS', { sub: 'oidc|criipto-itsme|{x}' }, { eidConnections: { itsme: 'criipto-itsme' } },
    { sub: 'oidc|criipto-itsme|{x}', eid: 'itsme' }],
  ['a connection named like a configured eid is used as is', { sub: 'oidc|be-itsme|{x}' }, { eidConnections: { 'be-itsme': 'elsewhere' } },
    { sub: 'oidc|be-itsme|{x}', eid: 'be-itsme' }],
  ['a connection named itsme is itsme without any configuration', { sub: 'oidc|itsme|{x}' }, {}, { sub: 'oidc|itsme|{x}', eid: 'itsme' }],
  ['an upstream id containing pipes keeps the connection', { sub: 'oidc|criipto-itsme|a|b' }, { eidConnections: { itsme: 'criipto-itsme' } },
    { sub: 'oidc|criipto-itsme|a|b', eid: 'itsme' }],
  ['an unknown connection names no eid', { sub: 'oidc|corp-sso|{x}' }, { eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'oidc|corp-sso|{x}' }],
  ['a database user (two-part sub) names no eid', { sub: 'auth0|itsme' }, { eidConnections: { itsme: 'itsme' } }, { sub: 'auth0|itsme' }],
  ['an empty connection segment names no eid', { sub: 'oidc||{x}' }, { eidConnections: { itsme: '' } }, { sub: 'oidc||{x}' }],
  ['a sub ending after the connection names no eid', { sub: 'oidc|itsme|' }, {}, { sub: 'oidc|itsme|' }],
  ['a sub without pipes names no eid', { sub: CRIIPTO_SUB }, { eidConnections: { itsme: 'itsme' } }, { sub: CRIIPTO_SUB }]
]

/** Criipto's acr values, in `acr` or in its own `authenticationtype`, when Criipto is the issuer. */
const acrs: Row[] = [
  ['acr urn:grn:authn:itsme:advanced is itsme', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:itsme:advanced' }, {}, { sub: CRIIPTO_SUB, eid: 'itsme' }],
  ['acr urn:grn:authn:itsme:basic is itsme', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:itsme:basic' }, {}, { sub: CRIIPTO_SUB, eid: 'itsme' }],
  ['acr urn:grn:authn:no:bankid is nobankid', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:no:bankid' }, {}, { sub: CRIIPTO_SUB, eid: 'nobankid' }],
  ['acr urn:grn:authn:se:bankid:same-device is sebankid', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:se:bankid:same-device' }, {}, { sub: CRIIPTO_SUB, eid: 'sebankid' }],
  ['acr urn:grn:authn:se:bankid:qr is sebankid', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:se:bankid:qr' }, {}, { sub: CRIIPTO_SUB, eid: 'sebankid' }],
  ['acr urn:grn:authn:dk:mitid:substantial is dkmitid', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:dk:mitid:substantial' }, {}, { sub: CRIIPTO_SUB, eid: 'dkmitid' }],
  ['acr urn:grn:authn:fi:bank-id is ftn', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:fi:bank-id' }, {}, { sub: CRIIPTO_SUB, eid: 'ftn' }],
  ['acr urn:grn:authn:fi:mobile-id is ftn', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:fi:mobile-id' }, {}, { sub: CRIIPTO_SUB, eid: 'ftn' }],
  ['an acr is read case-insensitively', { sub: CRIIPTO_SUB, acr: 'URN:GRN:AUTHN:ITSME:ADVANCED' }, {}, { sub: CRIIPTO_SUB, eid: 'itsme' }],
  ['Criipto\'s authenticationtype is read like acr', { sub: CRIIPTO_SUB, authenticationtype: 'urn:grn:authn:se:bankid:another-device' }, {}, { sub: CRIIPTO_SUB, eid: 'sebankid' }],
  ['with acr itsme the national number is read', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:itsme:advanced', nationalnumber: '65070862267' }, {},
    { sub: CRIIPTO_SUB, nationalNumber: '65070862267', nationalId: { country: 'BE', type: 'rrn', value: '65070862267' }, eid: 'itsme' }],
  ['an acr that only begins like ours names no eid', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:itsmenot' }, {}, { sub: CRIIPTO_SUB }],
  ['an acr of another eID names no eid', { sub: CRIIPTO_SUB, acr: 'urn:grn:authn:nl:digid:substantial' }, {}, { sub: CRIIPTO_SUB }],
  ['an MFA acr names no eid', { sub: CRIIPTO_SUB, acr: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' }, {}, { sub: CRIIPTO_SUB }],
  ['a non-string acr names no eid', { sub: CRIIPTO_SUB, acr: ['urn:grn:authn:itsme:advanced'] }, {}, { sub: CRIIPTO_SUB }],
  ['identityscheme and an agreeing acr', { sub: CRIIPTO_SUB, identityscheme: 'itsme', acr: 'urn:grn:authn:itsme:advanced', authenticationtype: 'urn:grn:authn:itsme:advanced' }, {},
    { sub: CRIIPTO_SUB, eid: 'itsme' }],
  ['identityscheme and acr that disagree name no eid and no identifier', { sub: CRIIPTO_SUB, identityscheme: 'sebankid', acr: 'urn:grn:authn:itsme:advanced', nationalnumber: '65070862267', ssn: '196802020575' }, {},
    { sub: CRIIPTO_SUB }],
  ['identityscheme and authenticationtype that disagree name no eid', { sub: CRIIPTO_SUB, identityscheme: 'itsme', authenticationtype: 'urn:grn:authn:no:bankid' }, {}, { sub: CRIIPTO_SUB }]
]

/** Only what the provider signed counts: never the eid a browser asked for at /login. */
const trust: Row[] = [
  ['the eid the browser chose names nothing by itself', { sub: 'abc' }, browserChoice('itsme'), { sub: 'abc' }],
  ['the browser\'s choice does not give a database user an eID', { sub: 'auth0|abc', [`${NS}/nationalnumber`]: '65070862267' }, browserChoice('itsme', { claimsNamespace: NS, eidConnections: { itsme: 'criipto-itsme' } }),
    { sub: 'auth0|abc' }],
  ['the browser\'s choice does not relabel an eID login', { sub: 'oidc|criipto-itsme|{x}' }, browserChoice('sebankid', { eidConnections: { itsme: 'criipto-itsme', sebankid: 'criipto-sebankid' } }),
    { sub: 'oidc|criipto-itsme|{x}', eid: 'itsme' }],
  ['the browser\'s choice does not override the identityscheme', { sub: 'abc', identityscheme: 'sebankid' }, browserChoice('itsme'), { sub: 'abc', eid: 'sebankid' }],
  ['a database user with the Action\'s namespaced eID claims gets no eID, identifier or address', {
    sub: 'auth0|6650f1c2a7b3e40012d4c9aa',
    given_name: 'Mallory',
    [`${NS}/identityscheme`]: 'itsme',
    [`${NS}/nationalnumber`]: '65070862267',
    [`${NS}/address`]: { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', country: 'BE' }
  }, { claimsNamespace: NS, eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'auth0|6650f1c2a7b3e40012d4c9aa', givenName: 'Mallory' }],
  ['a database user with Criipto\'s bare claim names gets no eID either', { sub: 'auth0|abc', identityscheme: 'itsme', acr: 'urn:grn:authn:itsme:advanced', nationalnumber: '65070862267', ssn: '196802020575' },
    {}, { sub: 'auth0|abc' }],
  ['a social user with an Action\'s identityscheme gets no eID', { sub: 'google-oauth2|1234567890', [`${NS}/identityscheme`]: 'sebankid', [`${NS}/ssn`]: '196802020575' },
    { claimsNamespace: NS }, { sub: 'google-oauth2|1234567890' }],
  ['an Auth0 login through a connection that is no eID gets no eID from an identityscheme', { sub: 'oidc|corp-sso|{x}', [`${NS}/identityscheme`]: 'itsme', [`${NS}/nationalnumber`]: '65070862267' },
    { claimsNamespace: NS, eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'oidc|corp-sso|{x}' }],
  ['an Auth0 login through a connection that is no eID gets no eID from an acr', { sub: 'samlp|corp-sso|x', acr: 'urn:grn:authn:itsme:advanced' },
    { eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'samlp|corp-sso|x' }],
  ['through an eID connection an agreeing identityscheme is fine', { sub: 'oidc|criipto-itsme|{x}', [`${NS}/identityscheme`]: 'itsme' },
    { claimsNamespace: NS, eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'oidc|criipto-itsme|{x}', eid: 'itsme' }],
  ['an identityscheme that contradicts the eID connection names no eid', { sub: 'oidc|criipto-itsme|{x}', [`${NS}/identityscheme`]: 'sebankid', [`${NS}/ssn`]: '196802020575', [`${NS}/nationalnumber`]: '65070862267' },
    { claimsNamespace: NS, eidConnections: { itsme: 'criipto-itsme' } }, { sub: 'oidc|criipto-itsme|{x}' }],
  ['one connection for several eIDs: the identityscheme picks among them', { sub: 'oidc|criipto|{x}', [`${NS}/identityscheme`]: 'nobankid-oidc' },
    { claimsNamespace: NS, eidConnections: { sebankid: 'criipto', nobankid: 'criipto' } }, { sub: 'oidc|criipto|{x}', eid: 'nobankid' }],
  ['one connection for several eIDs and no identityscheme: no eid', { sub: 'oidc|criipto|{x}' },
    { eidConnections: { sebankid: 'criipto', nobankid: 'criipto' } }, { sub: 'oidc|criipto|{x}' }],
  ['a Belgian national number without itsme is left out', { sub: 'abc', nationalnumber: '65070862267' }, {}, { sub: 'abc' }],
  ['a Belgian national number under Swedish BankID is left out', { sub: 'abc', identityscheme: 'sebankid', nationalnumber: '65070862267' }, {}, { sub: 'abc', eid: 'sebankid' }],
  ['a Belgian national number under an unknown eID is left out', { sub: 'abc', identityscheme: 'nldigid', nationalnumber: '65070862267' }, {}, { sub: 'abc', eid: 'nldigid' }]
]

for (const [group, rows] of [['dialects', dialects], ['rules', rules], ['eid detection', eids], ['acr values', acrs], ['signed claims only', trust]] as const) {
  t.test(group, async (t) => {
    for (const [name, claims, options, expected] of rows) {
      const profile = toProfile(claims, options)
      // strictSame alone would let a key with an undefined value pass for a missing one.
      t.strictSame(JSON.parse(JSON.stringify(profile)), expected, name)
      t.strictSame(Object.keys(profile).sort(), Object.keys(expected).sort(), `${name}: no extra keys`)
    }
  })
}

t.test('the contract profile comes out in the contract\'s field order', async (t) => {
  t.equal(JSON.stringify(toProfile(auth0Claims, { claimsNamespace: NS })), JSON.stringify(CONTRACT_PROFILE))
})

t.test('the claims object is not changed', async (t) => {
  const claims = structuredClone(criiptoClaims)
  toProfile(claims, {})
  t.strictSame(claims, criiptoClaims)
})

t.test('claims without a usable sub are a programmer error', async (t) => {
  const cases: Array<[name: string, claims: Record<string, unknown>]> = [
    ['no sub', { name: 'Chris Ricardo' }],
    ['an empty sub', { sub: '' }],
    ['a number sub', { sub: 42 }],
    ['a null sub', { sub: null }]
  ]
  for (const [name, claims] of cases) t.throws(() => toProfile(claims, {}), TypeError, name)
})
