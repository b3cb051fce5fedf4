/**
 * Who is asking. Every request carries a Principal (anonymous by default); the policy module (policy.ts) is the
 * only place that decides what it may do. Grants tie a role to an organisation scope: an editor of publisher
 * `SAC` holds { role: 'editor', scope: { kind: 'publisher', id: 'SAC' } } and nothing for publisher `ISO`.
 */
import rolesData from './roles.json' with { type: 'json' };

export type RoleName = keyof typeof rolesData.roles;
export const ROLE_NAMES = Object.keys(rolesData.roles) as RoleName[];

/** Kinds of organisation a grant can be scoped to (organisations.kind in the accounts store). */
export type ScopeKind = 'publisher' | 'committee' | 'enterprise';

export interface Grant {
  role: RoleName;
  /** Absent for site-wide roles (user, admin). */
  scope?: { kind: ScopeKind; id: string };
}

export interface Principal {
  kind: 'anonymous' | 'user' | 'token';
  /** Accounts store id of the person; null when anonymous. */
  userId: string | null;
  /** Display name (for the header and audit views). */
  name: string;
  grants: Grant[];
  /** For kind 'token': the actions the token was issued for (a subset of what its owner may do). */
  tokenScopes?: string[];
  /** Server-side session id (kind 'user' via cookie); used by CSRF checks and logout. */
  sessionId?: string;
  /** The CSRF token bound to the session (kind 'user' via cookie). */
  csrfToken?: string;
}

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous', userId: null, name: 'anonymous', grants: [] }) as Principal;

/** The actor string written to events for this principal ('user:<id>', 'token:<user id>' or 'anonymous'). */
export function actorOf(p: Principal): string {
  if (p.userId === null) return 'anonymous';
  return `user:${p.userId}`;
}

export function isRoleName(v: unknown): v is RoleName {
  return typeof v === 'string' && (ROLE_NAMES as string[]).includes(v);
}
