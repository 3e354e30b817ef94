import t from 'tap'
import { startStack } from '../helpers/gateway.js'
import { sendRaw } from '../helpers/hostile-requests.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'

/** The subject's distinctive part, as a log search finds it whichever way the path spelled the rest. */
const SUBJECT_CORE = 'f729d0aa-db04-44e7-b5c7-b961cd170db3'

/** Every byte percent-encoded, hex digits in upper or lower case. */
function encodeEveryByte (value: string, lower = false): string {
  const encoded = [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
  return lower ? encoded : encoded.toUpperCase()
}

t.test('no raw form of a claims lookup path writes the subject to the log', async (t) => {
  const stack = await startStack(t, { env: { LOG_LEVEL: 'trace', INTERNAL_AUDIENCE: 'urn:eid-bff:internal' } })
  const gateway = new URL(stack.gatewayUrl).host
  const sub = encodeURIComponent(CHRIS_PROFILE.sub)
  const paths = [
    `/internal/users/${sub}/claims`,
    `/internal/users/${CHRIS_PROFILE.sub.replace(/[{}|]/g, encodeURIComponent)}/claims?x=1`,
    `/internal/users/${encodeEveryByte(CHRIS_PROFILE.sub)}/claims`,
    `/internal/../internal/users/${sub}/claims`,
    `/internal/./users/${sub}/claims`,
    `/api/../internal/users/${sub}/claims`,
    `//internal/users/${sub}/claims`,
    `/internal//users/${sub}/claims`,
    `/%69nternal/users/${sub}/claims`,
    `/internal/%75sers/${sub}/claims`,
    `/internal/%2575sers/${sub}/claims`,
    `/internal/${encodeEveryByte('users', true)}/${sub}/claims`,
    `/internal/users%2F${sub}%2Fclaims`,
    `/internal%2Fusers%2F${sub}`,
    `/INTERNAL/USERS/${sub}/claims`,
    `/internal\\users\\${sub}\\claims`,
    `/internal/users;v=1/${sub}/claims`,
    `/internal/users#/${sub}/claims`,
    `http://${gateway}/internal/users/${sub}/claims`,
    `HTTP://${gateway}/internal/users/${sub}/claims`,
    `http://${gateway}/%69nternal/%75sers/${sub}`,
    `http://evil.example/internal/../internal/users/${sub}/claims`
  ]
  for (const path of paths) {
    const answer = await sendRaw(stack.gatewayUrl, { method: 'GET', path, headers: { authorization: 'Bearer not-a-token' }, body: undefined })
    t.ok(answer.status >= 400 && answer.status < 500, `${path}: refused with ${answer.status}`)
  }
  const healthz = await sendRaw(stack.gatewayUrl, { method: 'GET', path: '/healthz?probe=1', headers: {}, body: undefined })
  t.equal(healthz.status, 200)

  const text = stack.logs.text
  const incoming = stack.logs.entries().filter((entry) => entry.msg === 'incoming request')
  t.equal(incoming.length, paths.length + 1, `every request was logged (${incoming.length} lines)`)
  t.ok(incoming.some((entry) => (entry.req as { path?: string }).path === '/healthz'), 'an ordinary path is logged as it is, without its query')
  const leaking = incoming.map((entry) => String((entry.req as { path?: string }).path)).filter((logged) => /f729d0aa|%66%37%32%39/i.test(logged))
  t.same(leaking, [], 'no logged path names the subject')
  for (const form of [SUBJECT_CORE, encodeEveryByte(SUBJECT_CORE), encodeEveryByte(SUBJECT_CORE, true), CHRIS_PROFILE.sub, sub]) {
    const at = text.indexOf(form)
    t.equal(at, -1, `${form.slice(0, 24)}… is not in the log${at === -1 ? '' : `: …${text.slice(Math.max(0, at - 120), at + 40)}`}`)
  }
})
