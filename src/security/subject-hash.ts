import { createHash } from 'node:crypto'

/**
 * Subjects are personal data and stay out of logs; audit lines carry this
 * hash instead, which an auditor recomputes from a subject with
 * `printf '%s' "$SUB" | sha256sum | cut -c1-32`.
 */
export function subjectHash (sub: string): string {
  return createHash('sha256').update(sub).digest('hex').slice(0, 32)
}
