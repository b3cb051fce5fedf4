import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { ApiToken, Membership, MembershipRole, MembershipWithOrg, OneTimePurpose, Organisation, OrgKind, Person, PersonStatus, SessionRecord, ThrottleState, Actor } from '../model.js';
import type { AccountsStore, NewApiToken, NewMembership, NewOrganisation, NewPerson, OrganisationPatch, PersonPatch } from '../ports.js';
import type { ApiTokenTable, MembershipTable, OrganisationTable, PersonTable, SessionTable } from '../tables.js';

type Db = Kysely<Database> | Transaction<Database>;

function toPerson(r: Selectable<PersonTable>): Person {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    emailVerifiedAt: r.email_verified_at,
    isAdmin: Number(r.is_admin) === 1,
    status: r.status as PersonStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toOrg(r: Selectable<OrganisationTable>): Organisation {
  return {
    id: r.id,
    kind: r.kind as OrgKind,
    subkind: r.subkind,
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    parentId: r.parent_id,
    secretariatOrgId: r.secretariat_org_id,
    convenorPersonId: r.convenor_person_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toMembership(r: Selectable<MembershipTable>): Membership {
  return {
    id: r.id,
    personId: r.person_id,
    memberOrgId: r.member_org_id,
    orgId: r.org_id,
    role: r.role as MembershipRole,
    membershipType: (r.membership_type as 'P' | 'O' | null) ?? null,
    createdAt: r.created_at,
  };
}

function toSession(r: Selectable<SessionTable>): SessionRecord {
  return {
    idHash: r.id_hash,
    personId: r.person_id,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
  };
}

function toToken(r: Selectable<ApiTokenTable>): ApiToken {
  let scopes: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.scopes);
    if (Array.isArray(parsed)) scopes = parsed.filter((s): s is string => typeof s === 'string');
  } catch {
    scopes = [];
  }
  return {
    id: r.id,
    personId: r.person_id,
    name: r.name,
    prefix: r.prefix,
    scopes,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
}

/** True for a unique-constraint violation on SQLite or PostgreSQL. */
function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === '23505' || /UNIQUE constraint/i.test(err?.message ?? '');
}

/** The AccountsStore on Kysely (SQLite and PostgreSQL alike). */
export class KyselyAccountsStore implements AccountsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async event(trx: Db, e: { actor: string; verb: string; type: string; id: string; before?: unknown; after?: unknown }): Promise<void> {
    await trx
      .insertInto('event')
      .values({
        at: this.now(),
        actor: e.actor,
        verb: e.verb,
        object_type: e.type,
        object_id: e.id,
        before: e.before === undefined || e.before === null ? null : JSON.stringify(e.before),
        after: e.after === undefined || e.after === null ? null : JSON.stringify(e.after),
      })
      .execute();
  }

  async createPerson(p: NewPerson, ctx: Actor): Promise<Person> {
    const now = this.now();
    const row: PersonTable = {
      id: randomUUID(),
      email: p.email.trim().toLowerCase(),
      name: p.name,
      password_hash: p.passwordHash,
      email_verified_at: p.emailVerifiedAt ?? null,
      is_admin: p.isAdmin ? 1 : 0,
      status: 'active',
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('person').values(row).execute();
        await this.event(trx, { actor: ctx.actor, verb: 'person.created', type: 'person', id: row.id, after: toPerson(row) });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', 'A person with this e-mail address exists', { field: 'email' });
      throw e;
    }
    return toPerson(row);
  }

  async getPerson(id: string): Promise<Person | null> {
    const r = await this.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toPerson(r) : null;
  }

  async findPersonByEmail(email: string): Promise<Person | null> {
    const r = await this.db.selectFrom('person').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    return r ? toPerson(r) : null;
  }

  async passwordHashOf(id: string): Promise<string | null> {
    const r = await this.db.selectFrom('person').select('password_hash').where('id', '=', id).executeTakeFirst();
    return r?.password_hash ?? null;
  }

  async listPeople(q: { search?: string; limit: number; offset: number }): Promise<{ total: number; items: Person[] }> {
    let base = this.db.selectFrom('person');
    const s = q.search?.trim().toLowerCase();
    if (s) {
      // LIKE wildcards in the search text are escaped so they match literally.
      const pattern = `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // ESCAPE is spelled out: SQLite has no default LIKE escape character.
      base = base.where((eb) =>
        eb.or([sql<boolean>`${eb.ref('email')} LIKE ${pattern} ESCAPE '\\'`, sql<boolean>`lower(${eb.ref('name')}) LIKE ${pattern} ESCAPE '\\'`]),
      );
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('email').limit(q.limit).offset(q.offset).execute();
    return { total: Number(total.n), items: rows.map(toPerson) };
  }

  async updatePerson(id: string, patch: PersonPatch, ctx: Actor & { verb?: string }): Promise<Person> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
        if (!before) throw new AppError('not_found', 'No such person');
        const set: Partial<PersonTable> = { updated_at: this.now() };
        if (patch.name !== undefined) set.name = patch.name;
        if (patch.email !== undefined) set.email = patch.email.trim().toLowerCase();
        if (patch.isAdmin !== undefined) set.is_admin = patch.isAdmin ? 1 : 0;
        if (patch.status !== undefined) set.status = patch.status;
        if (patch.emailVerifiedAt !== undefined) set.email_verified_at = patch.emailVerifiedAt;
        await trx.updateTable('person').set(set).where('id', '=', id).execute();
        const after = { ...before, ...set } as PersonTable;
        // A disabled person is signed out everywhere at once.
        if (patch.status === 'disabled') await trx.deleteFrom('session').where('person_id', '=', id).execute();
        await this.event(trx, { actor: ctx.actor, verb: ctx.verb ?? 'person.updated', type: 'person', id, before: toPerson(before), after: toPerson(after) });
        return toPerson(after);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', 'A person with this e-mail address exists', { field: 'email' });
      throw e;
    }
  }

  async setPassword(id: string, hash: string, ctx: Actor & { verb: 'password.reset' | 'password.changed'; keepSession?: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('person').set({ password_hash: hash, updated_at: this.now() }).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AppError('not_found', 'No such person');
      let del = trx.deleteFrom('session').where('person_id', '=', id);
      if (ctx.keepSession) del = del.where('id_hash', '!=', ctx.keepSession);
      const d = await del.executeTakeFirst();
      await this.event(trx, { actor: ctx.actor, verb: ctx.verb, type: 'person', id, after: { sessionsEnded: Number(d.numDeletedRows) } });
    });
  }

  async createOrg(o: NewOrganisation, ctx: Actor): Promise<Organisation> {
    const now = this.now();
    const row: OrganisationTable = {
      id: randomUUID(),
      kind: o.kind,
      subkind: o.subkind,
      code: o.code.trim(),
      name_zh: o.nameZh ?? null,
      name_en: o.nameEn ?? null,
      parent_id: o.parentId ?? null,
      secretariat_org_id: o.secretariatOrgId ?? null,
      convenor_person_id: o.convenorPersonId ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('organisation').values(row).execute();
        await this.event(trx, { actor: ctx.actor, verb: 'org.created', type: 'organisation', id: row.id, after: toOrg(row) });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', 'An organisation of this kind with this code exists', { field: 'code' });
      throw e;
    }
    return toOrg(row);
  }

  async updateOrg(id: string, patch: OrganisationPatch, ctx: Actor): Promise<Organisation> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
        if (!before) throw new AppError('not_found', 'No such organisation');
        const set: Partial<OrganisationTable> = { updated_at: this.now() };
        if (patch.subkind !== undefined) set.subkind = patch.subkind;
        if (patch.code !== undefined) set.code = patch.code.trim();
        if (patch.nameZh !== undefined) set.name_zh = patch.nameZh;
        if (patch.nameEn !== undefined) set.name_en = patch.nameEn;
        if (patch.parentId !== undefined) set.parent_id = patch.parentId;
        if (patch.secretariatOrgId !== undefined) set.secretariat_org_id = patch.secretariatOrgId;
        if (patch.convenorPersonId !== undefined) set.convenor_person_id = patch.convenorPersonId;
        await trx.updateTable('organisation').set(set).where('id', '=', id).execute();
        const after = { ...before, ...set } as OrganisationTable;
        await this.event(trx, { actor: ctx.actor, verb: 'org.updated', type: 'organisation', id, before: toOrg(before), after: toOrg(after) });
        return toOrg(after);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', 'An organisation of this kind with this code exists', { field: 'code' });
      throw e;
    }
  }

  async getOrg(id: string): Promise<Organisation | null> {
    const r = await this.db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toOrg(r) : null;
  }

  async orgByCode(kind: OrgKind, code: string): Promise<Organisation | null> {
    const r = await this.db.selectFrom('organisation').selectAll().where('kind', '=', kind).where('code', '=', code.trim()).executeTakeFirst();
    return r ? toOrg(r) : null;
  }

  async listOrgs(kind?: OrgKind): Promise<Organisation[]> {
    let q = this.db.selectFrom('organisation').selectAll();
    if (kind) q = q.where('kind', '=', kind);
    return (await q.orderBy('kind').orderBy('code').execute()).map(toOrg);
  }

  async grantMembership(m: NewMembership, ctx: Actor): Promise<Membership> {
    const row: MembershipTable = {
      id: randomUUID(),
      person_id: m.personId ?? null,
      member_org_id: m.memberOrgId ?? null,
      org_id: m.orgId,
      role: m.role,
      membership_type: m.membershipType ?? null,
      created_at: this.now(),
    };
    return this.db.transaction().execute(async (trx) => {
      // The same holder holding the same role twice in one organisation is one membership.
      let dup = trx.selectFrom('membership').select('id').where('org_id', '=', m.orgId).where('role', '=', m.role);
      dup = row.person_id ? dup.where('person_id', '=', row.person_id) : dup.where('member_org_id', '=', row.member_org_id);
      if (await dup.executeTakeFirst()) throw new AppError('conflict', 'This membership exists');
      const org = await trx.selectFrom('organisation').select(['code', 'kind']).where('id', '=', m.orgId).executeTakeFirst();
      await trx.insertInto('membership').values(row).execute();
      await this.event(trx, { actor: ctx.actor, verb: 'membership.granted', type: 'membership', id: row.id, after: { ...toMembership(row), orgCode: org?.code, orgKind: org?.kind } });
      return toMembership(row);
    });
  }

  async revokeMembership(id: string, ctx: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('membership').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new AppError('not_found', 'No such membership');
      await trx.deleteFrom('membership').where('id', '=', id).execute();
      await this.event(trx, { actor: ctx.actor, verb: 'membership.revoked', type: 'membership', id, before: toMembership(before) });
    });
  }

  async getMembership(id: string): Promise<Membership | null> {
    const r = await this.db.selectFrom('membership').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toMembership(r) : null;
  }

  async membershipsOf(personId: string): Promise<MembershipWithOrg[]> {
    const ms = await this.db.selectFrom('membership').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
    if (!ms.length) return [];
    const orgs = await this.db.selectFrom('organisation').selectAll().where('id', 'in', [...new Set(ms.map((m) => m.org_id))]).execute();
    const byId = new Map(orgs.map((o) => [o.id, toOrg(o)]));
    return ms.filter((m) => byId.has(m.org_id)).map((m) => ({ ...toMembership(m), org: byId.get(m.org_id)! }));
  }

  async membersOf(orgId: string): Promise<Membership[]> {
    return (await this.db.selectFrom('membership').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute()).map(toMembership);
  }

  async createSession(s: SessionRecord, ctx: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('session')
        .values({
          id_hash: s.idHash,
          person_id: s.personId,
          csrf_token: s.csrfToken,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          expires_at: s.expiresAt,
          ip: s.ip,
          user_agent: s.userAgent,
        })
        .execute();
      // The session's id hash is itself a credential lookup key: the event names the person, never the session.
      await this.event(trx, { actor: ctx.actor, verb: 'session.signed_in', type: 'person', id: s.personId, after: { ip: s.ip, userAgent: s.userAgent, expiresAt: s.expiresAt } });
    });
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const r = await this.db.selectFrom('session').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r ? toSession(r) : null;
  }

  async touchSession(idHash: string, at: string): Promise<void> {
    await this.db.updateTable('session').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  }

  async deleteSession(idHash: string, ctx: Actor & { signedOut: boolean }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const s = await trx.selectFrom('session').select('person_id').where('id_hash', '=', idHash).executeTakeFirst();
      if (!s) return;
      await trx.deleteFrom('session').where('id_hash', '=', idHash).execute();
      if (ctx.signedOut) await this.event(trx, { actor: ctx.actor, verb: 'session.signed_out', type: 'person', id: s.person_id });
    });
  }

  async deleteSessionsOf(personId: string, exceptIdHash?: string): Promise<number> {
    let q = this.db.deleteFrom('session').where('person_id', '=', personId);
    if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }

  async createToken(t: NewApiToken, ctx: Actor): Promise<ApiToken> {
    const row: ApiTokenTable = {
      id: randomUUID(),
      person_id: t.personId,
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      scopes: JSON.stringify(t.scopes),
      expires_at: t.expiresAt,
      revoked_at: null,
      created_at: this.now(),
      last_used_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_token').values(row).execute();
      await this.event(trx, { actor: ctx.actor, verb: 'token.created', type: 'api_token', id: row.id, after: toToken(row) });
    });
    return toToken(row);
  }

  async tokenByHash(hash: string): Promise<ApiToken | null> {
    const r = await this.db.selectFrom('api_token').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    return r ? toToken(r) : null;
  }

  async getToken(id: string): Promise<ApiToken | null> {
    const r = await this.db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toToken(r) : null;
  }

  async listTokens(personId: string): Promise<ApiToken[]> {
    return (await this.db.selectFrom('api_token').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').execute()).map(toToken);
  }

  async revokeToken(id: string, at: string, ctx: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new AppError('not_found', 'No such token');
      if (before.revoked_at) return;
      await trx.updateTable('api_token').set({ revoked_at: at }).where('id', '=', id).execute();
      await this.event(trx, { actor: ctx.actor, verb: 'token.revoked', type: 'api_token', id, before: toToken(before), after: toToken({ ...before, revoked_at: at }) });
    });
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async getThrottle(key: string): Promise<ThrottleState | null> {
    const r = await this.db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
    return r ? { key: r.key, failures: Number(r.failures), lastAt: r.last_at, lockedUntil: r.locked_until } : null;
  }

  async putThrottle(s: ThrottleState): Promise<void> {
    await this.db
      .insertInto('login_throttle')
      .values({ key: s.key, failures: s.failures, last_at: s.lastAt, locked_until: s.lockedUntil })
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures: s.failures, last_at: s.lastAt, locked_until: s.lockedUntil }))
      .execute();
  }

  async clearThrottle(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }

  async createOneTimeToken(t: { tokenHash: string; purpose: OneTimePurpose; personId: string; createdAt: string; expiresAt: string }): Promise<void> {
    await this.db
      .insertInto('one_time_token')
      .values({ token_hash: t.tokenHash, purpose: t.purpose, person_id: t.personId, created_at: t.createdAt, expires_at: t.expiresAt, used_at: null })
      .execute();
  }

  async consumeOneTimeToken(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('one_time_token')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return null;
      const row = await trx.selectFrom('one_time_token').select('person_id').where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
      return row.person_id;
    });
  }

  async purgeExpired(opts: { now: string; idleBefore: string; quietBefore: string }): Promise<{ sessions: number; links: number; throttles: number }> {
    const sessions = await this.db
      .deleteFrom('session')
      .where((eb) => eb.or([eb('expires_at', '<=', opts.now), eb('last_seen_at', '<', opts.idleBefore)]))
      .executeTakeFirst();
    const links = await this.db
      .deleteFrom('one_time_token')
      .where((eb) => eb.or([eb('expires_at', '<=', opts.now), eb('used_at', 'is not', null)]))
      .executeTakeFirst();
    const throttles = await this.db
      .deleteFrom('login_throttle')
      .where('last_at', '<', opts.quietBefore)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', opts.quietBefore)]))
      .executeTakeFirst();
    return { sessions: Number(sessions.numDeletedRows), links: Number(links.numDeletedRows), throttles: Number(throttles.numDeletedRows) };
  }
}
