import { describe, expect, it } from 'vitest';
import { grantsOf } from './grants.js';
import type { MembershipWithOrg, Organisation, Person } from './model.js';
import { can, scopesFor } from './policy.js';
import type { Principal } from './principal.js';
import { hashPassword, newApiToken, sha256, verifyPassword } from './secrets.js';
import { afterFailure, lockedUntil, THROTTLE } from './throttle.js';

const person = (over: Partial<Person> = {}): Person => ({
  id: 'p1', email: 'e@x.org', name: 'E', emailVerifiedAt: null, isAdmin: false, status: 'active', createdAt: '', updatedAt: '', ...over,
});
const org = (kind: Organisation['kind'], code: string): Organisation => ({
  id: `${kind}:${code}`, kind, subkind: 'x', code, nameZh: null, nameEn: null, parentId: null, secretariatOrgId: null, convenorPersonId: null, createdAt: '', updatedAt: '',
});
const member = (role: MembershipWithOrg['role'], o: Organisation): MembershipWithOrg => ({
  id: `${role}@${o.id}`, personId: 'p1', memberOrgId: null, orgId: o.id, role, membershipType: null, createdAt: '', org: o,
});

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(h); // salted
  });

  it('makes API tokens with a recognisable prefix and stores only their hash', () => {
    const t = newApiToken();
    expect(t.token).toMatch(/^sth_[A-Za-z0-9_-]{43}$/);
    expect(t.hash).toBe(sha256(t.token));
    expect(t.token.startsWith(t.prefix)).toBe(true);
    expect(t.prefix.length).toBeLessThan(12);
  });
});

describe('grants derived from memberships', () => {
  it('editor of SAC may edit SAC standards but not ISO ones', () => {
    const grants = grantsOf(person(), [member('editor', org('publisher', 'SAC'))]);
    expect(grants).toEqual([{ role: 'user' }, { role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
    const p: Principal = { kind: 'user', userId: 'p1', name: 'E', grants };
    expect(can(p, 'standard.edit', { publisher: 'SAC' })).toBe(true);
    expect(can(p, 'standard.edit', { publisher: 'ISO' })).toBe(false);
    expect(scopesFor(p, 'standard.edit', 'publisher')).toEqual(['SAC']);
    expect(can(p, 'account.manage')).toBe(false);
  });

  it('scopes committee and enterprise roles to their codes; admin is site-wide; disabled has nothing', () => {
    const grants = grantsOf(person({ isAdmin: true }), [
      member('committee_secretary', org('committee', 'SAC/TC 28')),
      member('enterprise_rep', org('enterprise', 'ACME')),
      member('editor', org('committee', 'TC 9')), // wrong kind for the role: ignored
    ]);
    expect(grants).toEqual([
      { role: 'user' },
      { role: 'admin' },
      { role: 'committee_secretary', scope: { kind: 'committee', id: 'SAC/TC 28' } },
      { role: 'enterprise_rep', scope: { kind: 'enterprise', id: 'ACME' } },
    ]);
    expect(grantsOf(person({ status: 'disabled', isAdmin: true }), [])).toEqual([]);
  });

  it('a token principal is limited to its scopes', () => {
    const grants = grantsOf(person(), [member('editor', org('publisher', 'SAC'))]);
    const p: Principal = { kind: 'token', userId: 'p1', name: 'E', grants, tokenScopes: ['account.self'] };
    expect(can(p, 'standard.edit', { publisher: 'SAC' })).toBe(false);
    expect(can(p, 'account.self')).toBe(true);
  });
});

describe('sign-in throttle', () => {
  it('locks after 5 failures close together, with a delay that doubles, and forgets after a quiet window', () => {
    let s = null;
    let now = new Date('2026-11-25T00:00:00Z');
    for (let i = 1; i < THROTTLE.freeFailures; i++) {
      s = afterFailure(s, 'k', now);
      expect(lockedUntil(s, now)).toBeNull();
      now = new Date(now.getTime() + 10_000);
    }
    s = afterFailure(s, 'k', now);
    expect(lockedUntil(s, now)?.getTime()).toBe(now.getTime() + 60_000);
    now = new Date(now.getTime() + 61_000);
    expect(lockedUntil(s, now)).toBeNull();
    s = afterFailure(s, 'k', now);
    expect(lockedUntil(s, now)?.getTime()).toBe(now.getTime() + 2 * 60_000);
    // Quiet for more than the window after the lock ended: the count starts again.
    now = new Date(now.getTime() + (2 + THROTTLE.windowMinutes) * 60_000 + 1000);
    s = afterFailure(s, 'k', now);
    expect(s.failures).toBe(1);
    expect(lockedUntil(s, now)).toBeNull();
  });
});
