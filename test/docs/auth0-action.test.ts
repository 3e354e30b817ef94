import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { toProfile } from '../../src/claims/profile.js'

// The Auth0 Action that docs/auth0-and-idura.md tells people to paste, run as
// Auth0 runs it (an onExecutePostLogin export), and its ID token claims read
// by the gateway's own profile mapping: the documented Action and the gateway
// must agree, and neither may turn what a user typed into an eID claim.

const root = join(import.meta.dirname, '..', '..')
const NS = 'https://example.com'
const NATIONAL_NUMBER = '65070862267'
const TYPED_BY_THE_USER = '85073003328'

type PostLogin = (event: unknown, api: unknown) => Promise<void>

async function documentedAction (): Promise<PostLogin> {
  const page = await readFile(join(root, 'docs', 'auth0-and-idura.md'), 'utf8')
  const section = page.slice(page.indexOf('## 4. Auth0: an Action that adds the itsme claims'))
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (code === undefined) throw new Error('no Action in docs/auth0-and-idura.md section 4')
  const exports: { onExecutePostLogin?: PostLogin } = {}
  runInNewContext(code, { exports, Object })
  if (typeof exports.onExecutePostLogin !== 'function') throw new Error('the Action exports no onExecutePostLogin')
  return exports.onExecutePostLogin
}

/** The claims the Action sets on the ID token for this event. */
async function claimsOf (action: PostLogin, event: unknown): Promise<Record<string, unknown>> {
  const claims: Record<string, unknown> = {}
  await action(event, { idToken: { setCustomClaim: (name: string, value: unknown) => { claims[name] = value } } })
  return claims
}

const ADDRESS = { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', formatted: 'Louizalaan 7 1000 Brussel', country: 'BE' }
/** What the user may edit themselves, filled by an attacker with someone else's data. */
const userMetadata = { nationalnumber: TYPED_BY_THE_USER, identityscheme: 'itsme', authenticationtype: 'urn:grn:authn:itsme:advanced', address: { ...ADDRESS, locality: 'Elsewhere' } }

function itsmeLogin (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    connection: { name: 'criipto-itsme', strategy: 'oidc' },
    user: {
      user_id: 'oidc|criipto-itsme|{f729d0aa}',
      identities: [{ connection: 'criipto-itsme', provider: 'oidc' }],
      nationalnumber: NATIONAL_NUMBER,
      identityscheme: 'itsme',
      authenticationtype: 'urn:grn:authn:itsme:basic',
      address: ADDRESS,
      user_metadata: userMetadata,
      ...overrides
    }
  }
}

t.test('an itsme login: the claims the connection wrote, none of what the user typed, and the gateway reads them as itsme', async (t) => {
  const claims = await claimsOf(await documentedAction(), itsmeLogin())
  t.same(claims, {
    [`${NS}/nationalnumber`]: NATIONAL_NUMBER,
    [`${NS}/identityscheme`]: 'itsme',
    [`${NS}/authenticationtype`]: 'urn:grn:authn:itsme:basic',
    [`${NS}/address`]: ADDRESS
  })
  const profile = toProfile({ sub: 'oidc|criipto-itsme|{f729d0aa}', ...claims }, { claimsNamespace: NS, eidConnections: { itsme: 'criipto-itsme' } })
  t.equal(profile.eid, 'itsme')
  t.equal(profile.nationalNumber, NATIONAL_NUMBER)
  t.notOk(JSON.stringify(profile).includes(TYPED_BY_THE_USER), 'user_metadata never reaches the profile')
})

t.test('the same itsme login without the connection\'s attributes gets nothing from user_metadata', async (t) => {
  const claims = await claimsOf(await documentedAction(), itsmeLogin({ nationalnumber: undefined, identityscheme: undefined, authenticationtype: undefined, address: undefined }))
  t.same(claims, {})
})

t.test('a database, social or linked login gets no claim at all, whatever its profile holds', async (t) => {
  const action = await documentedAction()
  const logins: Array<[string, unknown]> = [
    ['a database user', { connection: { name: 'Username-Password-Authentication', strategy: 'auth0' }, user: { user_id: 'auth0|mallory', identities: [{ connection: 'Username-Password-Authentication' }], nationalnumber: TYPED_BY_THE_USER, user_metadata: userMetadata } }],
    ['a social user', { connection: { name: 'google-oauth2', strategy: 'google-oauth2' }, user: { user_id: 'google-oauth2|1', identities: [{ connection: 'google-oauth2' }], user_metadata: userMetadata } }],
    ['a connection named like the eID but of another strategy', { ...itsmeLogin(), connection: { name: 'criipto-itsme', strategy: 'auth0' } }],
    ['a linked itsme identity that is not the primary one', itsmeLogin({ identities: [{ connection: 'Username-Password-Authentication' }, { connection: 'criipto-itsme' }] })]
  ]
  for (const [label, event] of logins) t.same(await claimsOf(action, event), {}, label)
})
