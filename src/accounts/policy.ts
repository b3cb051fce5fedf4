/**
 * The one policy module: every route (web and API) declares a RoutePolicy in its Fastify config, enforced before
 * the handler by src/web/route-policy.ts; use cases that touch one object call authorize() with that object's
 * owning organisation. Roles and their actions are data (roles.json).
 *
 * Refusals: an anonymous caller gets 401 (unauthenticated); a signed-in caller lacking the right gets 403
 * (forbidden) — except for objects whose existence is itself restricted (unpublished drafts, restricted texts),
 * where authorize(..., { hide: true }) answers 404 so the object is invisible, not merely unlinked.
 */
import rolesData from './roles.json' with { type: 'json' };
import { AppError } from '../kernel/errors.js';
import type { Grant, Principal, RoleName, ScopeKind } from './principal.js';

export type Action =
  | 'account.self'
  | 'watch.manage'
  | 'token.manage'
  | 'declaration.manage'
  | 'committee.read'
  | 'committee.manage'
  | 'standard.create'
  | 'standard.edit'
  | 'standard.publish'
  | 'standard.withdraw'
  | 'standard.read_unpublished'
  | 'text.upload'
  | 'text.read_restricted'
  | 'disclosure.set'
  | 'import.bulk'
  | 'bulletin.edit'
  | 'bulletin.publish'
  | 'lifecycle.manage'
  | 'audit.read_scoped'
  | 'audit.read'
  | 'account.manage'
  | 'org.manage';

/**
 * What a route requires before its handler runs:
 * - 'public': anyone;
 * - 'signed_in': any signed-in person or valid API token;
 * - { action }: a principal holding the action in at least one scope (the handler then checks the object's scope
 *   with authorize()).
 */
export type RoutePolicy = 'public' | 'signed_in' | { action: Action };

/** The organisation an object belongs to, for scoped checks. */
export interface ResourceScope {
  publisher?: string | null;
  committee?: string | null;
  enterprise?: string | null;
}

interface RoleDef {
  scope: ScopeKind | null;
  actions: string[];
}
const ROLES = rolesData.roles as Record<RoleName, RoleDef>;

/** The actions a role grants (from roles.json). */
export function actionsOf(role: RoleName): readonly string[] {
  return ROLES[role]?.actions ?? [];
}

function grantAllows(g: Grant, action: Action): boolean {
  const acts = actionsOf(g.role);
  return acts.includes('*') || acts.includes(action);
}

function tokenAllows(p: Principal, action: Action): boolean {
  if (p.kind !== 'token') return true;
  return (p.tokenScopes ?? []).includes(action) || (p.tokenScopes ?? []).includes('*');
}

function grantCovers(g: Grant, res: ResourceScope | undefined): boolean {
  const def = ROLES[g.role];
  if (!def) return false;
  if (def.scope === null) return true; // site-wide role
  if (!res) return false; // scoped role, unscoped object: only site-wide roles reach it
  const want = res[def.scope];
  return !!g.scope && g.scope.kind === def.scope && typeof want === 'string' && want === g.scope.id;
}

/** True when the principal may do `action` (on an object owned by `res`; without res: in at least one scope). */
export function can(p: Principal, action: Action, res?: ResourceScope): boolean {
  if (p.kind === 'anonymous') return false;
  if (!tokenAllows(p, action)) return false;
  return p.grants.some((g) => grantAllows(g, action) && (res === undefined ? true : grantCovers(g, res)));
}

/** The scopes (organisation ids of a kind) in which the principal may do `action`; 'all' for site-wide grants. */
export function scopesFor(p: Principal, action: Action, kind: ScopeKind): 'all' | string[] {
  if (p.kind === 'anonymous' || !tokenAllows(p, action)) return [];
  const ids: string[] = [];
  for (const g of p.grants) {
    if (!grantAllows(g, action)) continue;
    const def = ROLES[g.role];
    if (def?.scope === null) return 'all';
    if (g.scope?.kind === kind) ids.push(g.scope.id);
  }
  return ids;
}

/**
 * Throws unless the principal may do `action` on the object: unauthenticated (401) for anonymous callers,
 * forbidden (403) otherwise — or, with hide: true, not_found (404) so the object stays invisible.
 */
export function authorize(p: Principal, action: Action, res?: ResourceScope, opts: { hide?: boolean } = {}): void {
  if (can(p, action, res)) return;
  if (opts.hide) throw new AppError('not_found');
  if (p.kind === 'anonymous') throw new AppError('unauthenticated');
  throw new AppError('forbidden', `Not allowed: ${action}`);
}

/** Checks a route policy; returns the refusal code or null when allowed. */
export function checkRoutePolicy(p: Principal, policy: RoutePolicy): 'unauthenticated' | 'forbidden' | null {
  if (policy === 'public') return null;
  if (p.kind === 'anonymous') return 'unauthenticated';
  if (policy === 'signed_in') return null;
  return can(p, policy.action) ? null : 'forbidden';
}
