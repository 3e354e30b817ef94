import t from 'tap'
import { assessLogin, type LoginAssurance } from '../../src/claims/login-assurance.js'
import { toProfile } from '../../src/claims/profile.js'
import { eidOptionsOf } from '../../src/config/claims.js'

const NS = 'https://example.com'
const OPTIONS = eidOptionsOf({
  itsme: { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:basic' },
  'itsme-advanced': { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:advanced' },
  'itsme-bound': { connection: 'criipto-itsme-advanced', acr: 'urn:grn:authn:itsme:advanced' },
  'itsme-bound-basic': { connection: 'criipto-itsme-basic', acr: 'urn:grn:authn:itsme:basic' },
  mitid: { acr_values: 'urn:grn:authn:dk:mitid:substantial' }
})
const AUTH_TIME = 1_780_000_000
const IDURA = '{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}'

type Row = [name: string, claims: Record<string, unknown>, expected: LoginAssurance]

const idura: Row[] = [
  ['Idura signs the acr in authenticationtype: MitID high', { sub: IDURA, identityscheme: 'dkmitid', authenticationtype: 'urn:grn:authn:dk:mitid:high', auth_time: AUTH_TIME },
    { eid: 'dkmitid', level: 'high', acr: 'urn:grn:authn:dk:mitid:high', authTime: AUTH_TIME }],
  ['and in acr', { sub: IDURA, acr: 'urn:grn:authn:no:bankid:high' }, { eid: 'nobankid', level: 'high', acr: 'urn:grn:authn:no:bankid:high' }],
  ['when both are sent and differ in level, the lower counts', { sub: IDURA, authenticationtype: 'urn:grn:authn:no:bankid:high', acr: 'urn:grn:authn:no:bankid:substantial' },
    { eid: 'nobankid', level: 'substantial', acr: 'urn:grn:authn:no:bankid:substantial' }],
  ['the methods come with it', { sub: IDURA, authenticationtype: 'urn:grn:authn:fi:bank-id', amr: ['pwd', 'otp'] }, { eid: 'ftn', level: 'substantial', acr: 'urn:grn:authn:fi:bank-id', amr: ['pwd', 'otp'] }],
  ['an amr that is not a list of names is left out', { sub: IDURA, authenticationtype: 'urn:grn:authn:fi:bank-id', amr: 'pwd' }, { eid: 'ftn', level: 'substantial', acr: 'urn:grn:authn:fi:bank-id' }],
  ['an acr of the eID that the table does not list proves no level', { sub: IDURA, identityscheme: 'dkmitid', authenticationtype: 'urn:grn:authn:dk:mitid:business' },
    { eid: 'dkmitid', acr: 'urn:grn:authn:dk:mitid:business' }],
  ['an identityscheme alone names the eID but proves no level', { sub: IDURA, identityscheme: 'sebankid' }, { eid: 'sebankid' }],
  ['acr values of two eIDs: no eID, so no level', { sub: IDURA, authenticationtype: 'urn:grn:authn:dk:mitid:high', acr: 'urn:grn:authn:itsme:advanced' }, {}],
  ['an Action\'s namespaced claim is no Idura claim', { sub: IDURA, identityscheme: 'dkmitid', [`${NS}/authenticationtype`]: 'urn:grn:authn:dk:mitid:high' }, { eid: 'dkmitid' }],
  ['a non-numeric auth_time is left out', { sub: IDURA, authenticationtype: 'urn:grn:authn:se:bankid', auth_time: '1780000000' }, { eid: 'sebankid', level: 'substantial', acr: 'urn:grn:authn:se:bankid' }]
]

const auth0: Row[] = [
  ['the Action relays Idura\'s authenticationtype under the namespace', { sub: 'oidc|criipto-itsme|{x}', [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:advanced', auth_time: AUTH_TIME },
    { eid: 'itsme', level: 'high', acr: 'urn:grn:authn:itsme:advanced', authTime: AUTH_TIME }],
  ['Auth0\'s own acr is about its MFA, not the eID: ignored', { sub: 'oidc|criipto-itsme|{x}', acr: 'urn:grn:authn:itsme:advanced', [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:basic' },
    { eid: 'itsme', level: 'substantial', acr: 'urn:grn:authn:itsme:basic' }],
  ['Auth0\'s own acr alone proves nothing', { sub: 'oidc|criipto-itsme|{x}', acr: 'urn:grn:authn:itsme:advanced' }, { eid: 'itsme' }],
  ['nor do Auth0\'s own amr', { sub: 'oidc|criipto-itsme|{x}', amr: ['mfa'], [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:basic' },
    { eid: 'itsme', level: 'substantial', acr: 'urn:grn:authn:itsme:basic' }],
  ['the acr a connection is bound to counts without a relay', { sub: 'oidc|criipto-itsme-advanced|{x}' }, { eid: 'itsme', level: 'high', acr: 'urn:grn:authn:itsme:advanced' }],
  ['a relayed acr lower than the binding: the lower counts', { sub: 'oidc|criipto-itsme-advanced|{x}', [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:basic' },
    { eid: 'itsme', level: 'substantial', acr: 'urn:grn:authn:itsme:basic' }],
  ['a relayed acr higher than the binding cannot raise it', { sub: 'oidc|criipto-itsme-basic|{x}', [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:advanced' },
    { eid: 'itsme', level: 'substantial', acr: 'urn:grn:authn:itsme:basic' }],
  ['a connection that passes acr_values on proves nothing without the relay', { sub: 'oidc|criipto-itsme|{x}' }, { eid: 'itsme' }],
  ['a relayed acr of another eID than the connection\'s: no eID, no level', { sub: 'oidc|criipto-itsme|{x}', [`${NS}/authenticationtype`]: 'urn:grn:authn:dk:mitid:high' }, {}],
  ['a database user has no eID and no level, whatever was relayed', { sub: 'auth0|6650f1c2', [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:advanced', auth_time: AUTH_TIME }, { authTime: AUTH_TIME }],
  ['the relayed amr, not Auth0\'s', { sub: 'oidc|criipto-itsme|{x}', amr: ['mfa'], [`${NS}/amr`]: ['pin'], [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:advanced' },
    { eid: 'itsme', level: 'high', acr: 'urn:grn:authn:itsme:advanced', amr: ['pin'] }]
]

for (const [group, rows] of [['Idura as the issuer', idura], ['Auth0 as the issuer', auth0]] as const) {
  t.test(group, async (t) => {
    for (const [name, claims, expected] of rows) t.strictSame(assessLogin(claims, { claimsNamespace: NS, eidOptions: OPTIONS }), expected, name)
  })
}

t.test('a claims object without a sub is a programming error', async (t) => {
  t.throws(() => assessLogin({}, { eidOptions: [] }), TypeError)
})

t.test('/me shows the assessment; the eID is the assessed one', async (t) => {
  const claims = { sub: 'oidc|criipto-itsme|{x}', [`${NS}/nationalnumber`]: '65070862267' }
  const profile = toProfile(claims, { claimsNamespace: NS, assurance: { eid: 'itsme', level: 'high', acr: 'urn:grn:authn:itsme:advanced', amr: ['pin'], authTime: AUTH_TIME } })
  t.strictSame(profile.assurance, { level: 'high', acr: 'urn:grn:authn:itsme:advanced', amr: ['pin'], authTime: new Date(AUTH_TIME * 1000).toISOString() })
  t.equal(profile.eid, 'itsme')
  t.equal(profile.nationalNumber, '65070862267', 'the assessed eID opens its identifier claim')
  const none = toProfile(claims, { claimsNamespace: NS, assurance: {} })
  t.equal(none.eid, undefined, 'an assessment without an eID is believed over the claims')
  t.equal(none.assurance, undefined, 'and shows no empty assurance')
  t.equal(none.nationalNumber, undefined)
  t.equal(toProfile(claims, { claimsNamespace: NS }).assurance, undefined, 'a session from before assurance was kept shows none')
})
