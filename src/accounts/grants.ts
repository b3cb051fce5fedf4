import { MEMBERSHIP_ROLES, type MembershipWithOrg, type Person } from './model.js';
import type { Grant } from './principal.js';

/**
 * A person's grants, derived from the stored facts: every active person is a `user`; `is_admin` adds `admin`;
 * each membership adds its role scoped to the organisation's code (editor of publisher SAC →
 * { role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }). A membership whose organisation is of the wrong
 * kind for its role grants nothing.
 */
export function grantsOf(person: Person, memberships: readonly MembershipWithOrg[]): Grant[] {
  if (person.status !== 'active') return [];
  const grants: Grant[] = [{ role: 'user' }];
  if (person.isAdmin) grants.push({ role: 'admin' });
  const seen = new Set<string>();
  for (const m of memberships) {
    const kind = MEMBERSHIP_ROLES[m.role];
    if (!kind || m.org.kind !== kind) continue;
    const key = `${m.role}|${kind}|${m.org.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    grants.push({ role: m.role, scope: { kind, id: m.org.code } });
  }
  return grants;
}
