import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { KyselyActorDirectory } from './adapters/kysely-actors.js';
import { KyselyEventLog } from './adapters/kysely-event-log.js';

/** What an adapter run of the contract provides: a migrated, empty database. */
export interface AuditHarness {
  db: Kysely<Database>;
  close(): Promise<void>;
}

const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

async function seed(db: Kysely<Database>) {
  const now = at(0);
  // Two standards of two publishers; events about them and about things that are not standards.
  for (const [id, body] of [
    ['GB-1-2024', 'SAC'],
    ['ISO-2-2020', 'ISO'],
  ])
    await db
      .insertInto('standard')
      .values({ id, number: id, family: id, body, doc_type: 'standard', nature: null, status: 'current', status_source: null, stage: null, edition: null, year: null, committee: null, date_key: null, record: '{}', content_hash: id, source_importer: 't', source_ref: id, created_at: now, updated_at: now })
      .execute();
  await db.insertInto('person').values({ id: 'p1', email: 'li@example.org', name: 'Li Lei 李雷', password_hash: null, email_verified_at: null, is_admin: 0, status: 'active', created_at: now, updated_at: now }).execute();
  await db.insertInto('person').values({ id: 'p2', email: 'root@example.org', name: 'Ada 100%_admin', password_hash: null, email_verified_at: null, is_admin: 1, status: 'active', created_at: now, updated_at: now }).execute();
  await db.insertInto('organisation').values({ id: 'o1', kind: 'publisher', subkind: 'national', code: 'SAC', name_zh: null, name_en: null, parent_id: null, secretariat_org_id: null, convenor_person_id: null, created_at: now, updated_at: now }).execute();
  await db.insertInto('membership').values({ id: 'm1', person_id: 'p1', member_org_id: null, org_id: 'o1', role: 'editor', membership_type: null, created_at: now }).execute();
  const rows: [number, string, string, string, string][] = [
    [1, 'importer:samr', 'standard.created', 'standard', 'GB-1-2024'],
    [2, 'importer:iso', 'standard.created', 'standard', 'ISO-2-2020'],
    [3, 'user:p1', 'standard.updated', 'standard', 'GB-1-2024'],
    [4, 'user:p1', 'disclosure.set', 'disclosure', 'GB-1-2024'],
    [5, 'user:p2', 'text.accessed', 'text', 'GB-1-2024'],
    [6, 'user:p2', 'account.created', 'person', 'p1'],
    [7, 'system:lifecycle', 'standard.status_changed', 'standard', 'ISO-2-2020'],
    [8, 'cli', 'standard.updated', 'standard', 'GB-1-2024'],
    [9, 'user:p1', 'draft.created', 'draft', 'd-sac'],
    [10, 'user:p1', 'draft.created', 'draft', 'd-iso'],
  ];
  for (const [id, publisher] of [
    ['d-sac', 'SAC'],
    ['d-iso', 'ISO'],
  ])
    await db
      .insertInto('editorial_draft')
      .values({ id, std_id: `NEW-${publisher}`, publisher, kind: 'new', record: '{}', disclosure: null, state: 'draft', text_blob: null, text_importer: null, text_name: null, text_report: null, text_stats: null, publish_started_at: null, publish_actor: null, created_by: 'user:p1', created_at: now, updated_at: now, version: 1 })
      .execute();
  for (const [m, actor, verb, object_type, object_id] of rows)
    await db
      .insertInto('event')
      .values({ at: at(m), actor, verb, object_type, object_id, before: m === 3 ? JSON.stringify({ status: 'current' }) : null, after: m === 3 ? JSON.stringify({ status: 'withdrawn' }) : m === 8 ? 'not json' : null })
      .execute();
}

/** The audit log contract (EventLog + ActorDirectory over Kysely), run by the SQLite and PostgreSQL runners. */
export function auditStoreContract(make: () => Promise<AuditHarness>, name = 'Kysely'): void {
  describe(`audit EventLog contract: ${name}`, () => {
    const withLog = async (fn: (log: KyselyEventLog, db: Kysely<Database>) => Promise<void>) => {
      const h = await make();
      try {
        await seed(h.db);
        await fn(new KyselyEventLog(h.db), h.db);
      } finally {
        await h.close();
      }
    };
    const verbsOf = (items: { verb: string; objectId: string }[]) => items.map((e) => `${e.verb}@${e.objectId}`);

    it('lists newest first with keyset pagination that neither repeats nor skips', () =>
      withLog(async (log) => {
        const seen: number[] = [];
        let cursor: number | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await log.list({}, { limit: 3, cursor });
          seen.push(...page.items.map((e) => e.id));
          if (page.next === null) break;
          cursor = page.next;
        }
        expect(seen.length).toBe(10);
        expect([...seen].sort((a, b) => b - a)).toEqual(seen);
        expect(new Set(seen).size).toBe(10);
        const first = await log.list({}, { limit: 100 });
        expect(first.next).toBeNull();
        expect(first.items[first.items.length - 1]).toMatchObject({ verb: 'standard.created', objectId: 'GB-1-2024', actor: 'importer:samr' });
      }));

    it('filters by actor, object, verb prefix and time range, and combines them', () =>
      withLog(async (log) => {
        const l = (f: Parameters<typeof log.list>[0]) => log.list(f, { limit: 100 }).then((p) => verbsOf(p.items));
        expect(await l({ actors: ['user:p1'] })).toEqual(['draft.created@d-iso', 'draft.created@d-sac', 'disclosure.set@GB-1-2024', 'standard.updated@GB-1-2024']);
        expect(await l({ actors: [] })).toEqual([]);
        expect(await l({ objectType: 'text' })).toEqual(['text.accessed@GB-1-2024']);
        expect((await l({ objectId: 'GB-1-2024' })).length).toBe(5);
        expect(await l({ verbPrefix: 'standard.c' })).toEqual(['standard.created@ISO-2-2020', 'standard.created@GB-1-2024']);
        expect(await l({ verbPrefix: 'text.accessed' })).toEqual(['text.accessed@GB-1-2024']);
        // Wildcard characters in a typed prefix are literal.
        expect(await l({ verbPrefix: 'standard%' })).toEqual([]);
        expect(await l({ verbPrefix: '_' })).toEqual([]);
        expect(await l({ from: at(3), to: at(5) })).toEqual(['disclosure.set@GB-1-2024', 'standard.updated@GB-1-2024']);
        expect(await l({ from: '2026-11-02' })).toEqual([]);
        expect((await l({ to: '2026-11-02' })).length).toBe(10);
        expect(await l({ actors: ['user:p1', 'user:p2'], verbPrefix: 'text', objectId: 'GB-1-2024' })).toEqual(['text.accessed@GB-1-2024']);
        expect(await l({ excludeVerbs: ['text.accessed', 'account.created'], objectId: 'GB-1-2024' })).not.toContain('text.accessed@GB-1-2024');
      }));

    it('scopes to the standards of given publishers (and their text/disclosure events)', () =>
      withLog(async (log) => {
        const sac = await log.list({ publishers: ['SAC'] }, { limit: 100 });
        expect(new Set(sac.items.map((e) => e.objectId))).toEqual(new Set(['GB-1-2024', 'd-sac']));
        expect(sac.items.map((e) => e.objectType).sort()).toEqual(['disclosure', 'draft', 'standard', 'standard', 'standard', 'text']);
        expect((await log.list({ publishers: [] }, { limit: 100 })).items).toEqual([]);
        expect((await log.list({ publishers: ['ISO', 'SAC'] }, { limit: 100 })).items.length).toBe(9);
        expect((await log.list({ publishers: ['ISO'], verbPrefix: 'draft' }, { limit: 100 })).items.map((e) => e.objectId)).toEqual(['d-iso']);
      }));

    it('parses JSON payloads and keeps non-JSON payloads as text', () =>
      withLog(async (log) => {
        const items = (await log.list({ objectId: 'GB-1-2024' }, { limit: 100 })).items;
        expect(items.find((e) => e.verb === 'standard.updated' && e.actor === 'user:p1')).toMatchObject({ before: { status: 'current' }, after: { status: 'withdrawn' } });
        expect(items.find((e) => e.actor === 'cli')?.after).toBe('not json');
      }));

    it('gives an object history oldest first across object types, and the verbs seen', () =>
      withLog(async (log) => {
        const h = await log.objectHistory('GB-1-2024', { excludeVerbs: ['text.accessed'] });
        expect(verbsOf(h)).toEqual(['standard.created@GB-1-2024', 'standard.updated@GB-1-2024', 'disclosure.set@GB-1-2024', 'standard.updated@GB-1-2024']);
        expect(await log.objectHistory('nothing')).toEqual([]);
        expect(await log.objectTypes()).toEqual(['disclosure', 'draft', 'person', 'standard', 'text']);
        expect(await log.verbs()).toEqual(['account.created', 'disclosure.set', 'draft.created', 'standard.created', 'standard.status_changed', 'standard.updated', 'text.accessed']);
      }));

    it('has no update or delete path, and the database refuses UPDATE and DELETE on event', () =>
      withLog(async (log, db) => {
        expect(Object.getOwnPropertyNames(Object.getPrototypeOf(log)).filter((m) => /update|delete|remove|set|clear/i.test(m))).toEqual([]);
        const errors: unknown[] = [];
        await sql`UPDATE event SET actor = 'forged' WHERE id = 1`.execute(db).catch((e: unknown) => errors.push(e));
        await db.updateTable('event').set({ verb: 'x' }).execute().catch((e: unknown) => errors.push(e));
        await sql`DELETE FROM event WHERE id = 1`.execute(db).catch((e: unknown) => errors.push(e));
        await db.deleteFrom('event').execute().catch((e: unknown) => errors.push(e));
        expect(errors.length).toBe(4);
        for (const e of errors) expect(String((e as Error).message)).toMatch(/append-only/);
        const all = await log.list({}, { limit: 100 });
        expect(all.items.length).toBe(10);
        expect(all.items.some((e) => e.actor === 'forged' || e.verb === 'x')).toBe(false);
      }));

    it('describes actors: people by name and most privileged role, others by kind', () =>
      withLog(async (_log, db) => {
        const dir = new KyselyActorDirectory(db);
        const m = await dir.describe(['user:p1', 'user:p2', 'user:gone', 'importer:samr', 'system:lifecycle', 'cli', 'anonymous']);
        expect(m.get('user:p1')).toEqual({ actor: 'user:p1', name: 'Li Lei 李雷', role: 'editor' });
        expect(m.get('user:p2')).toEqual({ actor: 'user:p2', name: 'Ada 100%_admin', role: 'admin' });
        expect(m.get('user:gone')).toEqual({ actor: 'user:gone', name: 'user:gone', role: 'user' });
        expect(m.get('importer:samr')).toEqual({ actor: 'importer:samr', name: 'samr', role: 'importer' });
        expect(m.get('system:lifecycle')?.role).toBe('system');
        expect(m.get('cli')?.role).toBe('cli');
        expect(await dir.findActors('li lei')).toEqual(['user:p1']);
        expect(await dir.findActors('李雷')).toEqual(['user:p1']);
        expect(await dir.findActors('EXAMPLE.ORG')).toEqual(['user:p1', 'user:p2']);
        expect(await dir.findActors('100%_')).toEqual(['user:p2']);
        expect(await dir.findActors('%')).toEqual(['user:p2']);
        expect(await dir.findActors('p1')).toEqual(['user:p1']);
        expect(await dir.findActors("' OR 1=1 --")).toEqual([]);
        expect(await dir.findActors('   ')).toEqual([]);
      }));
  });
}
