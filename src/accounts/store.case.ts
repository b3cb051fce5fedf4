import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { FakeClock } from '../kernel/clock.js';
import { KyselyAccountsStore } from './adapters/kysely-store.js';

/**
 * The AccountsStore contract: written once, run by every adapter (SQLite in kysely-store.test.ts; PostgreSQL by
 * the PostgreSQL helper's runner). `make` returns a fresh, migrated, empty database.
 */
export function accountsStoreContract(name: string, make: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>): void {
  const setup = async () => {
    const h = await make();
    const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));
    const store = new KyselyAccountsStore(h.db, clock);
    const events = async (verb?: string) => {
      let q = h.db.selectFrom('event').selectAll();
      if (verb) q = q.where('verb', '=', verb);
      return q.orderBy('id').execute();
    };
    return { ...h, clock, store, events };
  };

  describe(`AccountsStore contract: ${name}`, () => {
    it('creates people with unique lower-cased e-mail and an event without the password hash', async () => {
      const h = await setup();
      try {
        const p = await h.store.createPerson({ email: ' Ann@Example.ORG ', name: 'Ann', passwordHash: '$argon2id$secret-hash' }, { actor: 'cli' });
        expect(p).toMatchObject({ email: 'ann@example.org', name: 'Ann', isAdmin: false, status: 'active', emailVerifiedAt: null });
        expect((await h.store.findPersonByEmail('ANN@example.org'))?.id).toBe(p.id);
        expect(await h.store.passwordHashOf(p.id)).toBe('$argon2id$secret-hash');
        await expect(h.store.createPerson({ email: 'ann@EXAMPLE.org', name: 'Other', passwordHash: null }, { actor: 'cli' })).rejects.toMatchObject({ code: 'conflict' });
        const ev = await h.events('person.created');
        expect(ev).toHaveLength(1);
        expect(ev[0]).toMatchObject({ actor: 'cli', object_type: 'person', object_id: p.id });
        expect(ev[0].after).not.toContain('secret-hash');
      } finally {
        await h.close();
      }
    });

    it('lists and searches people (LIKE wildcards are literal), updates with before/after events', async () => {
      const h = await setup();
      try {
        await h.store.createPerson({ email: 'a@x.org', name: 'Alice Zhang', passwordHash: null }, { actor: 't' });
        const b = await h.store.createPerson({ email: 'b_b@x.org', name: '王伟', passwordHash: null }, { actor: 't' });
        expect((await h.store.listPeople({ limit: 10, offset: 0 })).total).toBe(2);
        expect((await h.store.listPeople({ search: 'zhang', limit: 10, offset: 0 })).items.map((p) => p.email)).toEqual(['a@x.org']);
        expect((await h.store.listPeople({ search: '王', limit: 10, offset: 0 })).items.map((p) => p.email)).toEqual(['b_b@x.org']);
        expect((await h.store.listPeople({ search: '_', limit: 10, offset: 0 })).items.map((p) => p.email)).toEqual(['b_b@x.org']);
        const u = await h.store.updatePerson(b.id, { isAdmin: true, name: 'Wang Wei' }, { actor: 'user:admin' });
        expect(u).toMatchObject({ isAdmin: true, name: 'Wang Wei' });
        const ev = (await h.events('person.updated'))[0];
        expect(JSON.parse(ev.before!)).toMatchObject({ isAdmin: false, name: '王伟' });
        expect(JSON.parse(ev.after!)).toMatchObject({ isAdmin: true, name: 'Wang Wei' });
        await expect(h.store.updatePerson('nope', { name: 'x' }, { actor: 't' })).rejects.toMatchObject({ code: 'not_found' });
      } finally {
        await h.close();
      }
    });

    it('keeps organisations unique per kind and code, with parent, secretariat and convenor', async () => {
      const h = await setup();
      try {
        const sac = await h.store.createOrg({ kind: 'publisher', subkind: 'national', code: 'SAC', nameZh: '国家标准化管理委员会' }, { actor: 't' });
        const conv = await h.store.createPerson({ email: 'c@x.org', name: 'C', passwordHash: null }, { actor: 't' });
        const tc = await h.store.createOrg({ kind: 'committee', subkind: 'TC', code: 'SAC/TC 28', secretariatOrgId: sac.id, convenorPersonId: conv.id }, { actor: 't' });
        const sc = await h.store.createOrg({ kind: 'committee', subkind: 'SC', code: 'SAC/TC 28/SC 1', parentId: tc.id }, { actor: 't' });
        expect((await h.store.getOrg(sc.id))?.parentId).toBe(tc.id);
        expect((await h.store.orgByCode('committee', 'SAC/TC 28'))?.convenorPersonId).toBe(conv.id);
        await expect(h.store.createOrg({ kind: 'publisher', subkind: 'national', code: 'SAC' }, { actor: 't' })).rejects.toMatchObject({ code: 'conflict' });
        // The same code in another kind is another organisation.
        await h.store.createOrg({ kind: 'enterprise', subkind: 'enterprise', code: 'SAC' }, { actor: 't' });
        expect((await h.store.listOrgs('committee')).map((o) => o.code)).toEqual(['SAC/TC 28', 'SAC/TC 28/SC 1']);
        const upd = await h.store.updateOrg(tc.id, { nameEn: 'Information technology' }, { actor: 't' });
        expect(upd.nameEn).toBe('Information technology');
        expect(await h.events('org.created')).toHaveLength(4);
        expect(await h.events('org.updated')).toHaveLength(1);
      } finally {
        await h.close();
      }
    });

    it('grants and revokes memberships of people and member bodies, with events', async () => {
      const h = await setup();
      try {
        const p = await h.store.createPerson({ email: 'e@x.org', name: 'E', passwordHash: null }, { actor: 't' });
        const sac = await h.store.createOrg({ kind: 'publisher', subkind: 'national', code: 'SAC' }, { actor: 't' });
        const tc = await h.store.createOrg({ kind: 'committee', subkind: 'TC', code: 'TC 1' }, { actor: 't' });
        const body = await h.store.createOrg({ kind: 'enterprise', subkind: 'enterprise', code: 'ACME' }, { actor: 't' });
        const m = await h.store.grantMembership({ personId: p.id, orgId: sac.id, role: 'editor' }, { actor: 'user:a' });
        await h.store.grantMembership({ memberOrgId: body.id, orgId: tc.id, role: 'committee_member', membershipType: 'O' }, { actor: 'user:a' });
        await expect(h.store.grantMembership({ personId: p.id, orgId: sac.id, role: 'editor' }, { actor: 'user:a' })).rejects.toMatchObject({ code: 'conflict' });
        const mine = await h.store.membershipsOf(p.id);
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ role: 'editor', org: { code: 'SAC', kind: 'publisher' } });
        expect((await h.store.membersOf(tc.id))[0]).toMatchObject({ memberOrgId: body.id, membershipType: 'O', personId: null });
        await h.store.revokeMembership(m.id, { actor: 'user:a' });
        expect(await h.store.membershipsOf(p.id)).toEqual([]);
        expect(await h.events('membership.granted')).toHaveLength(2);
        const rev = await h.events('membership.revoked');
        expect(rev).toHaveLength(1);
        expect(JSON.parse(rev[0].before!)).toMatchObject({ role: 'editor', personId: p.id });
      } finally {
        await h.close();
      }
    });

    it('stores sessions by hash, ends them on password change (keeping one) and on disabling', async () => {
      const h = await setup();
      try {
        const p = await h.store.createPerson({ email: 's@x.org', name: 'S', passwordHash: 'h1' }, { actor: 't' });
        const mk = (idHash: string) => ({ idHash, personId: p.id, csrfToken: 'c', createdAt: 'a', lastSeenAt: 'a', expiresAt: 'z', ip: '127.0.0.1', userAgent: null });
        await h.store.createSession(mk('s1'), { actor: `user:${p.id}` });
        await h.store.createSession(mk('s2'), { actor: `user:${p.id}` });
        await h.store.createSession(mk('s3'), { actor: `user:${p.id}` });
        await h.store.touchSession('s1', 'b');
        expect((await h.store.getSession('s1'))?.lastSeenAt).toBe('b');
        await h.store.setPassword(p.id, 'h2', { actor: `user:${p.id}`, verb: 'password.changed', keepSession: 's1' });
        expect(await h.store.getSession('s1')).not.toBeNull();
        expect(await h.store.getSession('s2')).toBeNull();
        expect(await h.store.passwordHashOf(p.id)).toBe('h2');
        const pw = (await h.events('password.changed'))[0];
        expect(`${pw.before}${pw.after}`).not.toContain('h2');
        await h.store.deleteSession('s1', { actor: `user:${p.id}`, signedOut: true });
        expect(await h.events('session.signed_out')).toHaveLength(1);
        await h.store.createSession(mk('s4'), { actor: `user:${p.id}` });
        await h.store.updatePerson(p.id, { status: 'disabled' }, { actor: 't' });
        expect(await h.store.getSession('s4')).toBeNull();
        expect(await h.events('session.signed_in')).toHaveLength(4);
      } finally {
        await h.close();
      }
    });

    it('stores API tokens by hash, revokes them once, never writes the hash to events', async () => {
      const h = await setup();
      try {
        const p = await h.store.createPerson({ email: 't@x.org', name: 'T', passwordHash: null }, { actor: 't' });
        const t = await h.store.createToken({ personId: p.id, name: 'ci', tokenHash: 'HASH123', prefix: 'sth_ab', scopes: ['standard.edit'], expiresAt: null }, { actor: 't' });
        expect((await h.store.tokenByHash('HASH123'))?.id).toBe(t.id);
        expect(t.scopes).toEqual(['standard.edit']);
        await h.store.revokeToken(t.id, '2026-11-25T01:00:00.000Z', { actor: 't' });
        await h.store.revokeToken(t.id, '2026-11-25T02:00:00.000Z', { actor: 't' });
        expect((await h.store.getToken(t.id))?.revokedAt).toBe('2026-11-25T01:00:00.000Z');
        expect(await h.events('token.revoked')).toHaveLength(1);
        for (const e of await h.events()) expect(`${e.before}${e.after}`).not.toContain('HASH123');
        expect(await h.store.listTokens(p.id)).toHaveLength(1);
      } finally {
        await h.close();
      }
    });

    it('keeps throttle state and consumes one-time tokens once, before expiry only', async () => {
      const h = await setup();
      try {
        await h.store.putThrottle({ key: 'ip:1', failures: 1, lastAt: 'a', lockedUntil: null });
        await h.store.putThrottle({ key: 'ip:1', failures: 2, lastAt: 'b', lockedUntil: 'c' });
        expect(await h.store.getThrottle('ip:1')).toEqual({ key: 'ip:1', failures: 2, lastAt: 'b', lockedUntil: 'c' });
        await h.store.clearThrottle('ip:1');
        expect(await h.store.getThrottle('ip:1')).toBeNull();
        const p = await h.store.createPerson({ email: 'o@x.org', name: 'O', passwordHash: null }, { actor: 't' });
        await h.store.createOneTimeToken({ tokenHash: 'v1', purpose: 'verify', personId: p.id, createdAt: '2026-11-25T00:00:00.000Z', expiresAt: '2026-11-26T00:00:00.000Z' });
        expect(await h.store.consumeOneTimeToken('v1', 'reset', '2026-11-25T01:00:00.000Z')).toBeNull();
        expect(await h.store.consumeOneTimeToken('v1', 'verify', '2026-11-27T00:00:00.000Z')).toBeNull();
        expect(await h.store.consumeOneTimeToken('v1', 'verify', '2026-11-25T01:00:00.000Z')).toBe(p.id);
        expect(await h.store.consumeOneTimeToken('v1', 'verify', '2026-11-25T01:00:00.000Z')).toBeNull();
        const mk = (idHash: string, lastSeenAt: string, expiresAt: string) => ({ idHash, personId: p.id, csrfToken: 'c', createdAt: lastSeenAt, lastSeenAt, expiresAt, ip: null, userAgent: null });
        await h.store.createSession(mk('live', '2026-11-25T05:00:00.000Z', '2026-12-01T00:00:00.000Z'), { actor: 't' });
        await h.store.createSession(mk('idle', '2026-11-25T01:00:00.000Z', '2026-12-01T00:00:00.000Z'), { actor: 't' });
        await h.store.createSession(mk('old', '2026-11-25T05:00:00.000Z', '2026-11-25T05:30:00.000Z'), { actor: 't' });
        await h.store.putThrottle({ key: 'ip:old', failures: 3, lastAt: '2026-11-20T00:00:00.000Z', lockedUntil: null });
        await h.store.putThrottle({ key: 'ip:new', failures: 3, lastAt: '2026-11-25T05:00:00.000Z', lockedUntil: null });
        const purged = await h.store.purgeExpired({ now: '2026-11-25T06:00:00.000Z', idleBefore: '2026-11-25T04:00:00.000Z', quietBefore: '2026-11-24T06:00:00.000Z' });
        expect(purged).toEqual({ sessions: 2, links: 1, throttles: 1 });
        expect(await h.store.getSession('live')).not.toBeNull();
        expect(await h.store.getThrottle('ip:new')).not.toBeNull();
      } finally {
        await h.close();
      }
    });
  });
}
