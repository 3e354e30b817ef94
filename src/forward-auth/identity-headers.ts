import type { ForwardAuthRule } from '../config/forward-auth.js'
import type { PairwiseSubjects } from '../claims/pairwise.js'
import type { Profile } from '../claims/profile.js'
import { isAtLeast } from '../claims/service-claims.js'
import type { SessionUser } from '../sessions/types.js'
import { ACCESS_TOKEN_HEADER, IDENTITY_HEADERS, UPSTREAM_HEADERS, type IdentityField } from './fields.js'

/** What one answer hands the protected service, and which of the family it leaves out. */
export interface IdentityAnswer {
  /** Lower-case header name → value, ready for the reply. */
  readonly headers: Readonly<Record<string, string>>
  /** The headers of the family this answer does not set: a proxy must not let the browser's own through. */
  readonly unset: readonly string[]
}

export interface IdentityInput {
  readonly user: SessionUser
  readonly profile: Profile
  readonly rule: ForwardAuthRule
  readonly pairwise: PairwiseSubjects
  readonly today: Date
}

const PLAIN = /^[\x20-\x7e]*$/
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * A header value: printable ASCII as it is; other text as its UTF-8 bytes,
 * as oauth2-proxy sends names like "Zoë" (Node writes a header string as
 * Latin-1, one byte per character). A control character could split or end
 * the header, so a value holding one is left out, never sent cut.
 */
export function headerValue (text: string): string | undefined {
  if (PLAIN.test(text)) return text
  if (CONTROL.test(text)) return undefined
  return Buffer.from(text, 'utf8').toString('latin1')
}

function fieldValue (field: IdentityField, input: IdentityInput): string | undefined {
  const { user, profile, rule, pairwise, today } = input
  switch (field) {
    case 'user': return rule.subject === 'sub' ? user.sub : pairwise.of(user.sub, rule.audience)
    case 'email': return user.claims.email_verified !== false && typeof user.claims.email === 'string' ? user.claims.email : undefined
    case 'ageOver18':
    case 'ageOver21': {
      const answer = profile.birthdate === undefined ? undefined : isAtLeast(profile.birthdate, field === 'ageOver18' ? 18 : 21, today)
      return answer === undefined ? undefined : String(answer)
    }
    case 'level': return user.assurance?.level
    case 'nationalId': return profile.nationalId === undefined ? undefined : `${profile.nationalId.country}:${profile.nationalId.type}:${profile.nationalId.value}`
    default: return profile[field]
  }
}

/**
 * The headers a rule hands over for a user: the fields it names that the
 * login provided (a claim the provider did not send is left out, never
 * invented), and the access token only when the rule asks for it.
 */
export function identityHeaders (input: IdentityInput): IdentityAnswer {
  const headers: Record<string, string> = {}
  for (const field of input.rule.headers) {
    const raw = fieldValue(field, input)
    const value = raw === undefined ? undefined : headerValue(raw)
    if (value !== undefined) headers[IDENTITY_HEADERS[field]] = value
  }
  const token = headerValue(input.user.tokens.accessToken)
  if (input.rule.accessToken === 'header' && token !== undefined) headers[ACCESS_TOKEN_HEADER] = token
  if (input.rule.accessToken === 'authorization' && token !== undefined) headers.authorization = `Bearer ${token}`
  return { headers, unset: UPSTREAM_HEADERS.filter((name) => headers[name] === undefined) }
}
