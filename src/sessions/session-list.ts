import type { SubjectSession } from './store.js'
import type { SessionUser } from './types.js'

export interface ListedSession {
  readonly handle: string
  readonly createdAt: string
  readonly lastSeenAt: string
  readonly eid?: string
  readonly level?: string
  readonly device?: string
}

export interface SessionFacts {
  /** The eID of a login, from its signed claims. */
  readonly eidOf: (user: SessionUser) => string | undefined
  /** The eIDAS level of a login, when known. */
  readonly levelOf: (user: SessionUser) => string | undefined
}

/** A session as a list shows it: when, from what, with which eID; no token, no claim, no id. */
export function listedSession (session: SubjectSession, facts: SessionFacts): ListedSession {
  const { user, data } = session
  const eid = facts.eidOf(user)
  const level = facts.levelOf(user)
  return {
    handle: session.handle,
    createdAt: new Date(data.createdAt ?? user.signedInAt).toISOString(),
    lastSeenAt: new Date(Math.max(session.lastSeenAt, data.createdAt ?? user.signedInAt)).toISOString(),
    ...(eid === undefined ? {} : { eid }),
    ...(level === undefined ? {} : { level }),
    ...(data.device === undefined ? {} : { device: data.device })
  }
}

/** Newest first: the list a person reads top down. */
export function byLastSeen (a: ListedSession, b: ListedSession): number {
  return b.lastSeenAt.localeCompare(a.lastSeenAt)
}
