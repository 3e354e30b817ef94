import { ASSURANCE_LEVELS, type AssuranceLevel } from '../claims/assurance.js'
import { ConfigError } from '../errors.js'
import { readPairwiseSecret } from './pairwise.js'
import { IDENTITY_FIELDS, type IdentityField } from '../forward-auth/fields.js'
import { normalisedPath } from '../forward-auth/original-path.js'
import { readJsonObject, readString, type Env } from './readers.js'

/** How a rule hands over the session's access token: not at all, in `X-Auth-Request-Access-Token`, or as `Authorization: Bearer`. */
export type AccessTokenMode = 'none' | 'header' | 'authorization'

/** What `/auth` answers for original requests under one path prefix. */
export interface ForwardAuthRule {
  /** Decoded, without a trailing slash (`/` alone for everything). */
  readonly prefix: string
  /** `false` in FORWARD_AUTH: every request under it is refused. */
  readonly deny: boolean
  readonly headers: readonly IdentityField[]
  /** What `X-Auth-Request-User` holds: a pairwise id for `audience`, or the provider's `sub`. */
  readonly subject: 'pairwise' | 'sub'
  /** Whose pairwise ids these are: the prefix unless named, so prefixes may share one. */
  readonly audience: string
  readonly accessToken: AccessTokenMode
  /** The least level of assurance of the login; undefined: any. */
  readonly level: AssuranceLevel | undefined
}

export interface ForwardAuthConfig {
  /** Longest prefix first: the first that matches wins. */
  readonly rules: readonly ForwardAuthRule[]
  /** Keys the pairwise ids: PAIRWISE_SECRET, else the first SESSION_SECRET. */
  readonly pairwiseSecret: string
}

const EXAMPLE = '{"/app/":{"headers":["user","name"]}}'
const OPTIONS = ['headers', 'subject', 'audience', 'accessToken', 'level']

/**
 * FORWARD_AUTH: path prefix → rule, or `false` to refuse a prefix. A rule
 * names the identity headers it hands over (`["user"]` unless told), what
 * `user` is (`"subject"`: `"pairwise"`, the default, or `"sub"`), whose
 * pairwise ids they are (`"audience"`, the prefix by default), whether the
 * access token goes along (`"accessToken"`: false, true for
 * `X-Auth-Request-Access-Token`, or `"authorization"`) and the least eIDAS
 * level of the login (`"level"`). Unset: no forward auth at all.
 */
export function readForwardAuth (env: Env, sessionSecrets: readonly string[], production: boolean): ForwardAuthConfig | undefined {
  const pairwiseSecret = readPairwiseSecret(env, sessionSecrets, production)
  const parsed = readJsonObject(env, 'FORWARD_AUTH', EXAMPLE)
  if (parsed === undefined) return undefined
  const rules: ForwardAuthRule[] = []
  for (const [key, entry] of Object.entries(parsed)) {
    const prefix = readPrefix(key)
    const same = rules.find((rule) => rule.prefix === prefix)
    if (same !== undefined) throw new ConfigError(`FORWARD_AUTH names the prefix ${prefix} twice (with and without its trailing slash)`)
    rules.push(readRule(key, prefix, entry))
  }
  if (rules.length === 0) throw new ConfigError(`FORWARD_AUTH must name at least one path prefix, such as ${EXAMPLE}`)
  return { rules: rules.sort((a, b) => depth(b.prefix) - depth(a.prefix)), pairwiseSecret }
}

function depth (prefix: string): number {
  return prefix === '/' ? 0 : prefix.split('/').length
}

/** A prefix as the rules compare it: the decoded path, no trailing slash. Written as it is compared, or refused. */
function readPrefix (key: string): string {
  let normalised: string | undefined
  try {
    normalised = key.startsWith('/') && !/[?#%\\\u0000-\u001f\u007f]/.test(key) ? normalisedPath(key, 'FORWARD_AUTH') : undefined
  } catch {}
  if (normalised !== key) {
    throw new ConfigError(`FORWARD_AUTH keys must be path prefixes such as /app/: a leading slash, no query, escapes, dot segments or double slashes (${JSON.stringify(key.slice(0, 64))})`)
  }
  return normalised === '/' ? '/' : normalised.replace(/\/$/, '')
}

function readRule (key: string, prefix: string, entry: unknown): ForwardAuthRule {
  const name = `FORWARD_AUTH[${JSON.stringify(key)}]`
  if (entry === false) return { prefix, deny: true, headers: [], subject: 'pairwise', audience: prefix, accessToken: 'none', level: undefined }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${name} must be an object with ${OPTIONS.join(', ')}, or false to refuse the prefix`)
  }
  const { headers = ['user'], subject = 'pairwise', audience = prefix, accessToken = false, level, ...unknown } = entry as Record<string, unknown>
  const unknownKey = Object.keys(unknown)[0]
  if (unknownKey !== undefined) {
    throw new ConfigError(`${name} has an unknown option ${JSON.stringify(unknownKey.slice(0, 32))} (known: ${OPTIONS.join(', ')})`)
  }
  if (!Array.isArray(headers) || headers.some((field) => !IDENTITY_FIELDS.includes(field as IdentityField)) || new Set(headers).size !== headers.length) {
    throw new ConfigError(`${name}.headers must be a list, each once, of: ${IDENTITY_FIELDS.join(', ')}`)
  }
  if (subject !== 'pairwise' && subject !== 'sub') throw new ConfigError(`${name}.subject must be "pairwise" or "sub"`)
  if (typeof audience !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(audience)) {
    throw new ConfigError(`${name}.audience must be 1 to 128 printable ASCII characters without spaces`)
  }
  if (accessToken !== false && accessToken !== true && accessToken !== 'authorization') {
    throw new ConfigError(`${name}.accessToken must be false, true (X-Auth-Request-Access-Token) or "authorization" (Authorization: Bearer)`)
  }
  if (level !== undefined && !ASSURANCE_LEVELS.includes(level as AssuranceLevel)) {
    throw new ConfigError(`${name}.level must be one of ${ASSURANCE_LEVELS.join(', ')}`)
  }
  return {
    prefix,
    deny: false,
    headers: headers as IdentityField[],
    subject,
    audience,
    accessToken: accessToken === true ? 'header' : accessToken === 'authorization' ? 'authorization' : 'none',
    level: level as AssuranceLevel | undefined
  }
}

/** PAIRWISE_SECRET: keys the pairwise ids apart from SESSION_SECRET, so that one can rotate without changing them. */
