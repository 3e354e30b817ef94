import t from 'tap'
import { pairwiseSubjects } from '../../src/claims/pairwise.js'
import { loadConfig } from '../../src/config/index.js'
import type { ForwardAuthRule } from '../../src/config/index.js'
import { levelShortfall } from '../../src/forward-auth/assurance.js'
import { createForwardAuth } from '../../src/forward-auth/forward-auth.js'
import { headerValue } from '../../src/forward-auth/identity-headers.js'
import { sessionUserOf } from '../../src/sessions/session-user.js'
import type { SessionUser } from '../../src/sessions/types.js'

const SECRET = 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs'
const NAMESPACE = 'https://example.com'

function userWith (claims: Record<string, unknown>, extra: Record<string, unknown> = {}): SessionUser {
  return sessionUserOf({
    sub: String(claims.sub),
    sid: 'sid-1',
    claims,
    tokens: { accessToken: 'access-token-1', idToken: 'id', refreshToken: undefined, accessTokenExpiresAt: undefined, scope: undefined, generation: 0 },
    signedInAt: 0,
    expiresAt: Date.now() + 60_000,
    ...extra
  } as SessionUser)
}

const chris = {
  sub: 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}',
  name: 'Zoë Ricardo-Łukasz',
  given_name: 'Zoë',
  birthdate: '2008-06-15',
  email: 'zoe@example.com',
  [`${NAMESPACE}/nationalnumber`]: '65070862267'
}

function forwardAuthWith (rules: Record<string, unknown>) {
  const config = loadConfig({ SESSION_SECRET: SECRET, FORWARD_AUTH: JSON.stringify(rules) }).forwardAuth
  if (config === undefined) throw new Error('no forward auth')
  return createForwardAuth(config, { claimsNamespace: NAMESPACE, eidConnections: { itsme: 'itsme' } })
}

t.test('pairwise ids: deterministic per secret, audience and subject; none of them can be swapped for another', async (t) => {
  const one = pairwiseSubjects(SECRET)
  const id = one.of('sub-1', '/app')
  t.equal(one.of('sub-1', '/app'), id, 'stable')
  t.equal(pairwiseSubjects(SECRET).of('sub-1', '/app'), id, 'the same after a restart with the same secret')
  t.match(id, /^[A-Za-z0-9_-]+$/, 'base64url')
  t.notOk(id.includes('sub-1'), 'the subject does not show')
  t.not(one.of('sub-1', '/hr'), id, 'another audience')
  t.not(one.of('sub-2', '/app'), id, 'another person')
  t.not(pairwiseSubjects(`${SECRET}x`).of('sub-1', '/app'), id, 'another secret')
  t.not(one.of('1', '/app/sub-'), one.of('sub-1', '/app'), 'no cutting the input differently')
  t.not(one.of('b', 'a'), one.of('a', 'b'), 'audience and subject are not interchangeable')
  t.throws(() => pairwiseSubjects(''), TypeError)
})

t.test('pairwise ids turn back into the person only for their own audience and secret', async (t) => {
  const one = pairwiseSubjects(SECRET)
  const sub = 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}'
  const id = one.of(sub, 'orders-service')
  t.equal(one.subjectOf(id, 'orders-service'), sub, 'the gateway resolves the id it handed out')
  t.equal(pairwiseSubjects(SECRET).subjectOf(id, 'orders-service'), sub, 'after a restart too')
  t.equal(one.subjectOf(id, 'hr-service'), undefined, 'not as another audience\'s id')
  t.equal(pairwiseSubjects(`${SECRET}x`).subjectOf(id, 'orders-service'), undefined, 'not under another secret')
  const flipped = Buffer.from(id, 'base64url')
  flipped[20] = (flipped[20] ?? 0) ^ 1
  t.equal(one.subjectOf(flipped.toString('base64url'), 'orders-service'), undefined, 'a changed byte is nobody')
  t.equal(one.subjectOf(sub, 'orders-service'), undefined, 'a raw subject is not an id')
  t.equal(one.subjectOf('', 'orders-service'), undefined)
  t.equal(one.subjectOf(`${id}=`, 'orders-service'), undefined, 'another spelling of the id is nobody')
})

t.test('header values: ASCII as it is, other text as UTF-8 bytes, control characters never', async (t) => {
  t.equal(headerValue('Chris Ricardo'), 'Chris Ricardo')
  t.equal(Buffer.from(headerValue('Zoë') ?? '', 'latin1').toString('utf8'), 'Zoë', 'the bytes on the wire are UTF-8')
  t.equal(Buffer.from(headerValue('Łukasz 山田') ?? '', 'latin1').toString('utf8'), 'Łukasz 山田')
  for (const bad of ['a\r\nSet-Cookie: x=1', 'a\nb', 'a\u0000', 'Zoë\r\nx', 'tab\there']) t.equal(headerValue(bad), undefined, JSON.stringify(bad))
})

t.test('an answer: only the named fields the login provided, worked out once per user and day', async (t) => {
  const forwardAuth = forwardAuthWith({
    '/app/': { headers: ['user', 'name', 'givenName', 'familyName', 'email', 'ageOver18', 'ageOver21', 'nationalNumber'] },
    '/unverified/': { headers: ['email'] }
  })
  const rule = forwardAuth.ruleFor('/app/x')
  const user = userWith(chris)
  const day = Date.parse('2026-06-14T12:00:00Z')
  const answer = forwardAuth.answerFor(user, rule, day)
  t.same(Object.keys(answer.headers).sort(), ['x-auth-request-age-over-18', 'x-auth-request-age-over-21', 'x-auth-request-email', 'x-auth-request-given-name', 'x-auth-request-name', 'x-auth-request-national-number', 'x-auth-request-user'],
    'no family name: the login sent none')
  const password = forwardAuth.answerFor(userWith({ ...chris, sub: 'auth0|6650f1c2a7b3e40012d4c9aa' }), rule, day)
  t.equal(password.headers['x-auth-request-national-number'], undefined, 'a password account\'s national number is nobody\'s: the profile\'s rules apply')
  t.equal(answer.headers['x-auth-request-age-over-18'], 'false', 'the day before the 18th birthday')
  t.equal(Buffer.from(answer.headers['x-auth-request-name'] ?? '', 'latin1').toString('utf8'), 'Zoë Ricardo-Łukasz')
  t.ok(answer.unset.includes('x-auth-request-family-name') && answer.unset.includes('x-auth-request-access-token'))
  t.equal(forwardAuth.answerFor(user, rule, day + 3_600_000), answer, 'the same answer object within the day')
  const nextDay = forwardAuth.answerFor(user, rule, Date.parse('2026-06-15T00:00:01Z'))
  t.equal(nextDay.headers['x-auth-request-age-over-18'], 'true', 'worked out again on the birthday')
  t.not(forwardAuth.answerFor(userWith(chris), rule, day), answer, 'a new user object (a new login, a refresh) gets a new answer')
  const unverified = forwardAuth.answerFor(userWith({ ...chris, email_verified: false }), forwardAuth.ruleFor('/unverified/'), day)
  t.same(unverified.headers, {}, 'an email the provider says is not verified is left out')
})

t.test('levels: none asked admits any login; one asked admits only a recorded level that reaches it, and names the step-up', async (t) => {
  const eids = loadConfig({
    SESSION_SECRET: SECRET,
    EID_CONNECTIONS: JSON.stringify({
      'mitid-high': { acr_values: 'urn:grn:authn:dk:mitid:high' },
      itsme: { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:basic' },
      'itsme-advanced': { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:advanced' }
    })
  }).eids
  const at = (level?: string, eid = 'itsme'): SessionUser => userWith(chris, { assurance: { eid, ...(level === undefined ? {} : { level }) } })
  t.equal(levelShortfall(at(), undefined, eids), undefined, 'no level asked: any login, even one that proved none')
  t.equal(levelShortfall(at('substantial'), 'substantial', eids), undefined)
  t.equal(levelShortfall(at('high'), 'substantial', eids), undefined, 'a higher level will do')
  const shortfall = levelShortfall(at('substantial'), 'high', eids)
  t.equal(shortfall?.option.name, 'itsme-advanced', 'the step-up keeps the login\'s own eID when one of its options reaches the level')
  t.match(shortfall?.challenge, /^Bearer error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:grn:authn:dk:mitid:high urn:grn:authn:itsme:advanced"$/, 'RFC 9470, with every acr that reaches it')
  t.equal(levelShortfall(at('substantial', 'sebankid'), 'high', eids)?.option.name, 'mitid-high', 'else the first option that reaches it')
  t.equal(levelShortfall(userWith(chris), 'low', eids)?.option.name, 'mitid-high', 'a session from before levels were recorded reaches none')
  t.equal(levelShortfall(at(undefined), 'low', eids)?.option.name, 'itsme', 'nor does a login whose acr proves none; its own eID\'s first option reaches low')
  t.equal(levelShortfall(at('substantial'), 'high', eids.filter((option) => option.level !== 'high')), null, 'no option reaches it: no step-up can help')
})

t.test('rules: the longest prefix holding the path, by whole segments; refused prefixes and gaps are 403', async (t) => {
  const forwardAuth = forwardAuthWith({ '/app/': {}, '/app/admin/': false, '/app/admin/public/': { headers: [] } })
  t.equal(forwardAuth.ruleFor('/app').prefix, '/app')
  t.equal(forwardAuth.ruleFor('/app/').prefix, '/app')
  t.equal(forwardAuth.ruleFor('/app/administrator').prefix, '/app', 'not /app/admin: a whole segment')
  t.equal(forwardAuth.ruleFor('/app/admin/public/x').prefix, '/app/admin/public')
  for (const path of ['/app/admin', '/app/admin/', '/app/admin/x', '/apple', '/', '/other']) {
    t.throws(() => forwardAuth.ruleFor(path), { code: 'access_denied', statusCode: 403 }, path)
  }
  t.equal(forwardAuthWith({ '/': {} }).ruleFor('/anything/at/all').prefix, '/', '"/" is the default rule')
})
