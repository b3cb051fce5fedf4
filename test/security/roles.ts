import type { FastifyInstance } from 'fastify';
import type { Grant } from '../../src/accounts/principal.js';
import type { Services } from '../../src/app/container.js';
import { principalFor, signIn } from '../../src/testing/auth.js';
import type { Principal } from '../../src/accounts/principal.js';
import { OTHER_PUBLISHER, SEEDED } from './support.js';

/** The roles of the permission matrix, in column order. */
export const MATRIX_ROLES = [
  'anonymous',
  'user',
  'enterprise_rep',
  'committee_member',
  'committee_secretary',
  'editor',
  'editor_other',
  'admin',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/** Grants of each role: scoped roles on the seeded publisher's organisations; editor_other on another publisher. */
export const ROLE_GRANTS: Record<Exclude<MatrixRole, 'anonymous'>, Grant[]> = {
  user: [{ role: 'user' }],
  enterprise_rep: [{ role: 'user' }, { role: 'enterprise_rep', scope: { kind: 'enterprise', id: 'ACME' } }],
  committee_member: [{ role: 'user' }, { role: 'committee_member', scope: { kind: 'committee', id: 'SAC/TC 1' } }],
  committee_secretary: [{ role: 'user' }, { role: 'committee_secretary', scope: { kind: 'committee', id: 'SAC/TC 1' } }],
  editor: [{ role: 'user' }, { role: 'editor', scope: { kind: 'publisher', id: SEEDED.body } }],
  editor_other: [{ role: 'user' }, { role: 'editor', scope: { kind: 'publisher', id: OTHER_PUBLISHER } }],
  admin: [{ role: 'admin' }],
};

export interface Session {
  role: MatrixRole;
  userId: string | null;
  /** Headers for app.inject: the session cookie and its CSRF token (none for anonymous). */
  headers: Record<string, string>;
  cookie: string | null;
  csrf: string | null;
  /** The principal this session resolves to (for computing what it may do). */
  principal: Principal | null;
}

/** Signs in a fresh user of the role through the real login form (anonymous: no cookie). */
export async function signInAs(app: FastifyInstance, services: Services, role: MatrixRole, over: { name?: string } = {}): Promise<Session> {
  if (role === 'anonymous') return { role, userId: null, headers: {}, cookie: null, csrf: null, principal: null };
  const s = await signIn(app, services, { grants: ROLE_GRANTS[role], name: over.name ?? `Matrix ${role}` });
  return { role, userId: s.userId, headers: s.headers(), cookie: s.cookie, csrf: s.csrf, principal: await principalFor(services, s.userId) };
}
