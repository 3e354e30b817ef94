import t from 'tap'
import type { LoginAssurance } from '../../src/claims/login-assurance.js'
import { askedAssurance, checkLoginAssurance, eidLoginParameters, stepUpDemand, type AssuranceRequirement } from '../../src/claims/step-up.js'
import { eidOptionsOf } from '../../src/config/claims.js'
import { GatewayError } from '../../src/errors.js'
import type { AskedAssurance, LoginTransaction } from '../../src/sessions/types.js'

const OPTIONS = eidOptionsOf({
  itsme: { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:basic' },
  'itsme-advanced': { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:advanced' },
  'itsme-bound': { connection: 'criipto-itsme-advanced', acr: 'urn:grn:authn:itsme:advanced' },
  'mitid-high': { acr_values: 'urn:grn:authn:dk:mitid:high' },
  'nobankid-high': { acr_values: 'urn:grn:authn:no:bankid:high', login_hint: 'BID' },
  corporate: 'corp-sso'
})
const option = (name: string): typeof OPTIONS[number] => OPTIONS.find((candidate) => candidate.name === name) as typeof OPTIONS[number]
const NOW = 1_780_000_000_000
const AUTH_TIME = NOW / 1000 - 60

t.test('RFC 9470: a login below what the service asks gets a challenge saying how to step up', async (t) => {
  const rows: Array<[name: string, assurance: LoginAssurance | undefined, requirement: AssuranceRequirement, challenge: string | undefined]> = [
    ['a login at the level asked will do', { level: 'high', authTime: AUTH_TIME }, { level: 'high', maxAgeSeconds: undefined }, undefined],
    ['a higher level will do', { level: 'high' }, { level: 'substantial', maxAgeSeconds: undefined }, undefined],
    ['nothing asked: any login, even one without a level', undefined, { level: undefined, maxAgeSeconds: undefined }, undefined],
    ['a lower level: the acr values of the options that reach it', { level: 'substantial', authTime: AUTH_TIME }, { level: 'high', maxAgeSeconds: undefined },
      'Bearer error="insufficient_user_authentication", error_description="This service needs a login at the level high or higher", acr_values="urn:grn:authn:itsme:advanced urn:grn:authn:dk:mitid:high urn:grn:authn:no:bankid:high"'],
    ['no level at all (a session from before levels were kept)', undefined, { level: 'substantial', maxAgeSeconds: undefined },
      'Bearer error="insufficient_user_authentication", error_description="This service needs a login at the level substantial or higher", acr_values="urn:grn:authn:itsme:basic urn:grn:authn:itsme:advanced urn:grn:authn:dk:mitid:high urn:grn:authn:no:bankid:high"'],
    ['an authentication within maxAge will do', { level: 'high', authTime: AUTH_TIME }, { level: undefined, maxAgeSeconds: 60 }, undefined],
    ['one second older than maxAge: max_age', { level: 'high', authTime: AUTH_TIME - 1 }, { level: undefined, maxAgeSeconds: 60 },
      'Bearer error="insufficient_user_authentication", error_description="This service needs a more recent login", max_age="60"'],
    ['no auth_time cannot prove maxAge', { level: 'high' }, { level: undefined, maxAgeSeconds: 3600 },
      'Bearer error="insufficient_user_authentication", error_description="This service needs a more recent login", max_age="3600"'],
    ['a recent login below the level carries max_age too', { level: 'low', authTime: AUTH_TIME }, { level: 'high', maxAgeSeconds: 300 },
      'Bearer error="insufficient_user_authentication", error_description="This service needs a login at the level high or higher", acr_values="urn:grn:authn:itsme:advanced urn:grn:authn:dk:mitid:high urn:grn:authn:no:bankid:high", max_age="300"']
  ]
  for (const [name, assurance, requirement, challenge] of rows) t.equal(stepUpDemand(assurance, requirement, OPTIONS, NOW)?.challenge, challenge, name)
  t.equal(stepUpDemand({ level: 'low' }, { level: 'high', maxAgeSeconds: undefined }, [], NOW)?.challenge,
    'Bearer error="insufficient_user_authentication", error_description="This service needs a login at the level high or higher"', 'no option reaches it: no acr_values')
  t.match(stepUpDemand({ level: 'low' }, { level: 'high', maxAgeSeconds: undefined }, OPTIONS, NOW)?.message, /^This service needs a login at the assurance level high or higher/)
})

function transaction (assurance?: AskedAssurance): LoginTransaction {
  return { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/', eid: 'itsme-advanced', createdAt: NOW, ...(assurance === undefined ? {} : { assurance }) }
}

t.test('a login is checked against what its transaction asked', async (t) => {
  const fresh = NOW / 1000 + 5
  const rows: Array<[name: string, asked: AskedAssurance | undefined, sub: string, assurance: LoginAssurance, code: string | undefined]> = [
    ['nothing asked: any login', undefined, 'a', {}, undefined],
    ['the level asked is reached', { level: 'high' }, 'a', { level: 'high' }, undefined],
    ['itsme advanced asked, basic came back: refused', { level: 'high' }, 'a', { level: 'substantial', acr: 'urn:grn:authn:itsme:basic' }, 'insufficient_assurance'],
    ['a level asked, none came back: refused', { level: 'low' }, 'a', {}, 'insufficient_assurance'],
    ['a step-up of the same person, authenticated again', { level: 'high', stepUpOf: 'a' }, 'a', { level: 'high', authTime: fresh }, undefined],
    ['a step-up within the clock tolerance', { stepUpOf: 'a' }, 'a', { level: 'high', authTime: NOW / 1000 - 59 }, undefined],
    ['a step-up that signed in someone else', { level: 'high', stepUpOf: 'a' }, 'b', { level: 'high', authTime: fresh }, 'step_up_subject_mismatch'],
    ['a step-up the provider answered from an old authentication', { stepUpOf: 'a' }, 'a', { level: 'high', authTime: NOW / 1000 - 61 }, 'insufficient_assurance'],
    ['a step-up without auth_time', { stepUpOf: 'a' }, 'a', { level: 'high' }, 'insufficient_assurance']
  ]
  for (const [name, asked, sub, assurance, code] of rows) {
    let thrown: unknown
    try {
      checkLoginAssurance(transaction(asked), sub, assurance)
    } catch (error) {
      thrown = error
    }
    if (code === undefined) t.equal(thrown, undefined, name)
    else t.match(thrown, { constructor: GatewayError, code, statusCode: 403 }, name)
  }
})

t.test('what /login keeps to check: the option\'s level, or OIDC_ACR_VALUES\', and the subject of a step-up', async (t) => {
  const rows: Array<[name: string, asked: AskedAssurance | undefined, expected: AskedAssurance | undefined]> = [
    ['an option with a level', askedAssurance(option('itsme-advanced'), undefined, undefined), { level: 'high' }],
    ['an option without one asks nothing', askedAssurance(option('corporate'), 'urn:grn:authn:dk:mitid:high', undefined), undefined],
    ['no option: OIDC_ACR_VALUES decides', askedAssurance(undefined, 'urn:grn:authn:dk:mitid:high', undefined), { level: 'high' }],
    ['no option and no OIDC_ACR_VALUES: nothing', askedAssurance(undefined, undefined, undefined), undefined],
    ['a step-up keeps the subject', askedAssurance(option('itsme-bound'), undefined, 'oidc|x|y'), { level: 'high', stepUpOf: 'oidc|x|y' }]
  ]
  for (const [name, asked, expected] of rows) t.strictSame(asked, expected, name)
})

t.test('the authorization parameters an option adds, and a step-up\'s', async (t) => {
  const rows: Array<[name: string, parameters: Record<string, string>, expected: Record<string, string>]> = [
    ['no option: nothing', eidLoginParameters(undefined, undefined, false), {}],
    ['an Auth0 connection', eidLoginParameters(option('corporate'), undefined, false), { connection: 'corp-sso' }],
    ['a connection that passes acr_values on', eidLoginParameters(option('itsme-advanced'), undefined, false), { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:advanced' }],
    ['a connection bound to its acr sends none', eidLoginParameters(option('itsme-bound'), undefined, false), { connection: 'criipto-itsme-advanced' }],
    ['Idura: acr_values and the login_hint prefix', eidLoginParameters(option('nobankid-high'), undefined, false), { acr_values: 'urn:grn:authn:no:bankid:high', login_hint: 'BID' }],
    ['the login\'s own hint after the prefix', eidLoginParameters(option('nobankid-high'), 'sub:27034698436', false), { acr_values: 'urn:grn:authn:no:bankid:high', login_hint: 'BID sub:27034698436' }],
    ['the login\'s own hint alone', eidLoginParameters(option('mitid-high'), 'x', false), { acr_values: 'urn:grn:authn:dk:mitid:high', login_hint: 'x' }],
    ['a step-up makes the provider authenticate again', eidLoginParameters(option('itsme-advanced'), undefined, true),
      { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:advanced', prompt: 'login', max_age: '0' }]
  ]
  for (const [name, parameters, expected] of rows) t.strictSame(parameters, expected, name)
})
