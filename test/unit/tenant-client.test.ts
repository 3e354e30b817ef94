import t from 'tap'
import { auth0LogoutUrl, isAuth0 } from '../../src/oidc/auth0-logout.js'
import { perLoginParameters, type PerLoginQuery } from '../../src/oidc/login-parameters.js'
import { assertOrganization } from '../../src/oidc/organization.js'
import { loginChecksFor, loginChecksOf, markSilentLoginRequired } from '../../src/oidc/silent-login.js'
import type { LoginTransaction } from '../../src/sessions/types.js'

t.test('per-login parameters: allow-listed values pass as they are, nothing else comes through', async (t) => {
  const rows: Array<[string, PerLoginQuery, Record<string, string>]> = [
    ['nothing asked', {}, {}],
    ['a silent check', { prompt: 'none' }, { prompt: 'none' }],
    ['a fresh sign-in', { prompt: 'login', max_age: '0' }, { prompt: 'login', max_age: '0' }],
    ['the bound itself', { max_age: '31536000' }, { max_age: '31536000' }],
    ['a hint with letters beyond ASCII', { login_hint: 'Jürgen Müller' }, { login_hint: 'Jürgen Müller' }],
    ['language tags with script and region', { ui_locales: 'sr-Latn-RS nl-BE en' }, { ui_locales: 'sr-Latn-RS nl-BE en' }]
  ]
  for (const [label, query, expected] of rows) t.same(perLoginParameters(query), expected, label)
  const other = { ...{ prompt: 'none' }, connection: 'evil', redirect_uri: 'https://evil.example/' } as PerLoginQuery
  t.same(perLoginParameters(other), { prompt: 'none' }, 'fields outside the allow-list never become parameters')
})

t.test('per-login parameters: refused values are a 400 invalid_request naming the field', async (t) => {
  const rows: Array<[string, PerLoginQuery, RegExp]> = [
    ['consent', { prompt: 'consent' }, /^prompt must be none or login$/],
    ['select_account', { prompt: 'select_account' }, /^prompt/],
    ['past the bound', { max_age: '31536001' }, /^max_age must be a whole number of seconds from 0 to 31536000$/],
    ['negative', { max_age: '-5' }, /^max_age/],
    ['not a string (a repeated parameter)', { max_age: ['1', '2'] as unknown as string }, /^max_age/],
    ['257 characters', { login_hint: 'a'.repeat(257) }, /^login_hint must be 1 to 256 printable characters$/],
    ['a tab', { login_hint: 'a\tb' }, /^login_hint/],
    ['a zero-width joiner (format character)', { login_hint: 'a\u200db' }, /^login_hint/],
    ['empty', { login_hint: '' }, /^login_hint/],
    ['grandfathered garbage', { ui_locales: 'xx-123456789' }, /^ui_locales must be up to 10 space-separated BCP 47 language tags/],
    ['a trailing space', { ui_locales: 'nl ' }, /^ui_locales/]
  ]
  for (const [label, query, message] of rows) {
    t.throws(() => perLoginParameters(query), { name: 'GatewayError', code: 'invalid_request', statusCode: 400, message }, label)
  }
})

t.test('a silent login\'s checks are kept with its transaction and read back whatever the session holds', async (t) => {
  t.same(loginChecksFor({ prompt: 'none', max_age: '60' }), { silent: true, maxAge: 60 })
  t.same(loginChecksFor({ prompt: 'login' }), {})
  const base: LoginTransaction = { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/', eid: undefined, createdAt: 0 }
  const stored: Array<[string, unknown, object]> = [
    ['as written', { silent: true, maxAge: 60 }, { silent: true, maxAge: 60 }],
    ['an older session without them', {}, {}],
    ['silent as a string', { silent: 'true' }, {}],
    ['a negative max age', { maxAge: -1 }, {}],
    ['a fractional max age', { maxAge: 1.5 }, {}]
  ]
  for (const [label, extra, expected] of stored) t.same(loginChecksOf({ ...base, ...extra as object }), expected, label)
})

t.test('the silent-login marker goes into returnTo\'s query, replacing any other value, and never makes it leave the origin', async (t) => {
  const rows: Array<[string, string]> = [
    ['/', '/?login=required'],
    ['/app', '/app?login=required'],
    ['/app?tab=2#top', '/app?tab=2&login=required#top'],
    ['/app?login=x', '/app?login=required'],
    ['/a%20b?q=%C3%BC', '/a%20b?q=%C3%BC&login=required']
  ]
  for (const [returnTo, expected] of rows) t.equal(markSilentLoginRequired(returnTo), expected, returnTo)
  t.equal(markSilentLoginRequired('//evil.example/x'), '/?login=required', 'a protocol-relative returnTo never survives')
})

t.test('an Auth0 tenant is recognised by its hostname or by Auth0\'s own metadata on a custom domain', async (t) => {
  const rows: Array<[string, { issuer: string, mfa_challenge_endpoint?: unknown }, boolean]> = [
    ['a tenant domain', { issuer: 'https://acme.eu.auth0.com/' }, true],
    ['a custom domain with mfa_challenge_endpoint', { issuer: 'https://login.acme.example/', mfa_challenge_endpoint: 'https://login.acme.example/mfa/challenge' }, true],
    ['Idura', { issuer: 'https://acme.idura.broker' }, false],
    ['a look-alike host', { issuer: 'https://auth0.com.evil.example/' }, false],
    ['mfa_challenge_endpoint elsewhere', { issuer: 'https://login.acme.example/', mfa_challenge_endpoint: 'https://other.example/mfa/challenge' }, false],
    ['not a URL', { issuer: 'nonsense' }, false]
  ]
  for (const [label, metadata, expected] of rows) t.equal(isAuth0(metadata), expected, label)
  t.equal(auth0LogoutUrl('https://acme.eu.auth0.com/', 'client 1', 'https://app.example.com/').href,
    'https://acme.eu.auth0.com/v2/logout?client_id=client+1&returnTo=https%3A%2F%2Fapp.example.com%2F')
})

t.test('the organization check: by id against org_id, by name against org_name, lenient only for refreshed tokens that leave it out', async (t) => {
  t.doesNotThrow(() => assertOrganization({ org_id: 'org_1' }, undefined), 'no organization configured, nothing checked')
  t.doesNotThrow(() => assertOrganization({ org_id: 'org_1' }, 'org_1'))
  t.doesNotThrow(() => assertOrganization({ org_name: 'acme', org_id: 'org_1' }, 'acme'))
  t.throws(() => assertOrganization({}, 'org_1'), { code: 'id_token_invalid', message: /names no organization \(org_id\)/ })
  t.throws(() => assertOrganization({ org_id: 'org_2' }, 'org_1'), { code: 'id_token_invalid', message: /another organization/ })
  t.throws(() => assertOrganization({ org_name: 'globex' }, 'acme'), { code: 'id_token_invalid' })
  t.throws(() => assertOrganization({ org_id: ['org_1'] }, 'org_1'), { code: 'id_token_invalid' }, 'an array is not the id')
  t.doesNotThrow(() => assertOrganization({}, 'org_1', { required: false }), 'a refreshed token may leave it out')
  t.throws(() => assertOrganization({ org_id: 'org_2' }, 'org_1', { required: false }), { code: 'id_token_invalid' }, 'but never name another')
})
