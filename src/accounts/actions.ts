import rolesData from './roles.json' with { type: 'json' };
import { can, type Action } from './policy.js';
import type { Principal } from './principal.js';

/** Actions only the site-wide `admin` role ('*') holds, so roles.json does not list them. */
const ADMIN_ONLY: readonly Action[] = ['audit.read', 'account.manage', 'org.manage'];

/** Every action any role grants (roles.json) plus the admin-only ones, sorted: the vocabulary of token scopes. */
export function allActions(): Action[] {
  const set = new Set<string>(ADMIN_ONLY);
  for (const role of Object.values(rolesData.roles)) for (const a of role.actions) if (a !== '*') set.add(a);
  return [...set].sort() as Action[];
}

/** The actions this principal holds in at least one scope (what a new API token may be scoped to). */
export function heldActions(p: Principal): Action[] {
  return allActions().filter((a) => can(p, a));
}
