import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../accounts/principal.js';
import { AppError } from '../kernel/errors.js';
import type { LifecycleEventInput } from '../lifecycle/ports.js';
import { testServices } from '../testing/services.js';
import { KyselyBulletinStore } from './adapters/kysely-store.js';
import { bulkScenario, editor, gbRecord } from './fixtures.case.js';
import { BulletinService, type LifecycleRecorder } from './service.js';

type S = Awaited<ReturnType<typeof testServices>>;

/**
 * A lifecycle recorder that writes its facts into a scratch table inside the publication's transaction, so a
 * rollback is visible as missing rows (the real one is exercised by the HTTP and crash tests).
 */
function tableRecorder(s: S): LifecycleRecorder & { due: Date[] } {
  const due: Date[] = [];
  return {
    due,
    async recordInTx(trx: never, events: LifecycleEventInput[]) {
      for (const e of events)
        await sql`insert into test_fact (std_id, type, date, related, source) values (${e.stdId}, ${e.type}, ${e.date}, ${e.related ?? null}, ${e.source})`.execute(trx);
    },
    async applyDue(now: Date) {
      due.push(now);
    },
  };
}

async function count(s: S, q: string): Promise<number> {
  const r = await sql<{ n: number }>`${sql.raw(q)}`.execute(s.db);
  return Number(r.rows[0].n);
}

describe('bulletin use cases', () => {
  let s: S;
  let svc: BulletinService;
  let rec: ReturnType<typeof tableRecorder>;
  const ed = editor('SAC');
  const header = { publisher: 'SAC', number: 14, year: 2025, date: '2025-10-05', issuingBodies: [{ zh: '国家市场监督管理总局' }, { zh: '国家标准化管理委员会' }], titleZh: '国家标准公告' };

  beforeEach(async () => {
    s = await testServices();
    await sql`create table test_fact (std_id text, type text, date text, related text, source text)`.execute(s.db);
    rec = tableRecorder(s);
    svc = new BulletinService(new KyselyBulletinStore(s.db), s.catalogue, rec, s.clock);
  });
  afterEach(async () => s.close());

  it('adds pasted numbers: unknown ones come back per line, the rest are added; dates and duplicates are checked', async () => {
    await s.catalogue.upsertMany([gbRecord('GB/T 1001-2010'), gbRecord('GB/T 1002-2010'), gbRecord('GB 2001-2025'), gbRecord('GB 2001-2010'), { ...gbRecord('ISO 9001:2015'), id: 'ISO-9001-2015', body: 'ISO', identifiers: [{ type: 'ISO', value: 'ISO 9001:2015', primary: true }] }], { actor: 'test' });
    const b = await svc.create(ed, header);
    const r = await svc.addPasted(ed, b.id, 'GB/T 1001-2010\n\nGB/T 9999-2000\n# comment\ngbt1002-2010\nGB/T 1001-2010\nISO 9001:2015\nGB/T 1002 | 2026-13-01', 'abolition', { abolitionDate: '2026-01-01' });
    expect(r.added.map((a) => a.std.id)).toEqual(['GB-T-1001-2010', 'GB-T-1002-2010']);
    expect(r.added[0].abolitionDate).toBe('2026-01-01');
    expect(r.problems).toEqual([
      { line: 3, text: 'GB/T 9999-2000', code: 'unknown_standard' },
      { line: 6, text: 'GB/T 1001-2010', code: 'duplicate' },
      { line: 7, text: 'ISO 9001:2015', code: 'other_publisher' },
      { line: 8, text: 'GB/T 1002 | 2026-13-01', code: 'bad_abolition_date' },
    ]);
    const rev = await svc.addPasted(ed, b.id, 'GB 2001-2025 | 2025-10-05 | 2025-01-01 | GB 2001-2010\nGB 2001-2025 | 2025-10-05 | 2026-05-01\nGB 2001-2025 | 2025-10-05 | 2026-05-01 | GB 7777-2010', 'revision');
    expect(rev.problems.map((p) => p.code)).toEqual(['implementation_before_release', 'predecessor_required', 'unknown_predecessor']);
    const ok = await svc.addPasted(ed, b.id, 'GB 2001-2025 | 2025-10-05 | 2026-05-01 | GB 2001-2010', 'revision');
    expect(ok.added[0].replaces).toEqual([{ id: 'GB-2001-2010', number: 'GB 2001-2010' }]);
    // Once means once: a replaced standard cannot also be abolished (or replaced again) by the same bulletin.
    expect((await svc.addPasted(ed, b.id, 'GB 2001-2010', 'abolition')).problems.map((p) => p.code)).toEqual(['duplicate']);
  });

  it('enforces the publisher scope: other editors cannot see or change a draft; the number is unique (409)', async () => {
    const b = await svc.create(ed, header);
    const iso = editor('ISO', 'ed2');
    expect(((await svc.create(iso, header).catch((e) => e)) as AppError).code).toBe('forbidden');
    expect(((await svc.create(ANONYMOUS, header).catch((e) => e)) as AppError).code).toBe('unauthenticated');
    expect(((await svc.get(iso, b.id).catch((e) => e)) as AppError).code).toBe('not_found');
    expect(((await svc.get(ANONYMOUS, b.id).catch((e) => e)) as AppError).code).toBe('not_found');
    expect(((await svc.addPasted(iso, b.id, 'GB 1-2020', 'abolition').catch((e) => e)) as AppError).code).toBe('not_found');
    expect(((await svc.published('SAC', 2025, 14).catch((e) => e)) as AppError).code).toBe('not_found');
    expect(((await svc.create(ed, header).catch((e) => e)) as AppError).code).toBe('conflict');
    expect(((await svc.create(ed, { ...header, date: '2025-02-30' }).catch((e) => e)) as AppError).code).toBe('invalid_input');
    expect((await svc.listDrafts(iso, { page: 1, pageSize: 10 })).total).toBe(0);
    expect((await svc.listDrafts(ed, { page: 1, pageSize: 10 })).total).toBe(1);
  });

  describe('a bulletin with 500 abolitions and 20 replacements', () => {
    const sc = bulkScenario(500, 20);
    async function assemble() {
      await s.catalogue.upsertMany(sc.records, { actor: 'test' });
      const b = await svc.create(ed, header);
      const ab = await svc.addPasted(ed, b.id, sc.abolished.join('\n'), 'abolition', { abolitionDate: '2025-10-05' });
      expect(ab.problems).toEqual([]);
      const rv = await svc.addPasted(ed, b.id, sc.newEditions.map((n, i) => `${n} | 2025-10-05 | 2026-05-01 | ${sc.oldEditions[i]}`).join('\n'), 'revision');
      expect(rv.problems).toEqual([]);
      return svc.get(ed, b.id);
    }
    const nothingApplied = async (id: string) => {
      expect(await count(s, 'select count(*) as n from test_fact')).toBe(0);
      expect(await count(s, "select count(*) as n from event where verb in ('standard.announced','standard.abolished','standard.replaced','bulletin.published','standard.updated')")).toBe(0);
      expect(await count(s, "select count(*) as n from relation where type in ('replaces','replacedBy')")).toBe(0);
      expect((await svc.get(ed, id)).state).toBe('draft');
      expect(rec.due).toHaveLength(0);
    };

    it('publishes everything in one go: facts, relations, one event per affected standard', async () => {
      const b = await assemble();
      expect(b.items).toHaveLength(520);
      const published = await svc.publish(ed, b.id, b.version);
      expect(published.state).toBe('published');
      expect(await count(s, "select count(*) as n from test_fact where type = 'abolished' and date = '2025-10-05'")).toBe(500);
      expect(await count(s, "select count(*) as n from test_fact where type = 'replaced' and date = '2026-05-01'")).toBe(20);
      expect(await count(s, "select count(*) as n from test_fact where type in ('approved','released','implemented')")).toBe(60);
      expect(await count(s, `select count(*) as n from test_fact where source = 'bulletin:${b.id}'`)).toBe(580);
      expect(await count(s, "select count(*) as n from event where verb = 'standard.abolished'")).toBe(500);
      expect(await count(s, "select count(*) as n from event where verb = 'standard.announced'")).toBe(20);
      expect(await count(s, "select count(*) as n from event where verb = 'standard.replaced'")).toBe(20);
      expect(await count(s, "select count(*) as n from event where verb = 'bulletin.published'")).toBe(1);
      expect(await count(s, "select count(*) as n from relation where type = 'replaces'")).toBe(20);
      expect(await count(s, "select count(*) as n from relation where type = 'replacedBy'")).toBe(20);
      expect(rec.due).toHaveLength(1);
      const rels = await s.catalogue.relations('GB-T-30001-2025');
      expect(rels.find((r) => r.type === 'replaces')?.targetId).toBe('GB-T-30001-2012');
      expect((await svc.published('SAC', 2025, 14)).items).toHaveLength(520);
      expect((await svc.listPublished({ page: 1, pageSize: 10 })).total).toBe(1);
      expect((await svc.mentions('GB-T-30001-2012'))[0].role).toBe('replaced');
    });

    it('applies nothing when item 250 fails validation at publish time', async () => {
      const b = await assemble();
      const victim = b.items[249];
      await s.catalogue.remove(victim.std.id, { actor: 'test' });
      const err = (await svc.publish(ed, b.id, b.version).catch((e) => e)) as AppError;
      expect(err.code).toBe('invalid_input');
      expect(err.details?.problems).toEqual([{ seq: 250, text: victim.std.number, code: 'unknown_standard' }]);
      await nothingApplied(b.id);
    });

    it('applies nothing when writing item 250 fails inside the transaction', async () => {
      const b = await assemble();
      svc.testHooks.afterStep = async (i) => {
        if (i === 249) throw new Error('disk full');
      };
      await expect(svc.publish(ed, b.id, b.version)).rejects.toThrow('disk full');
      await nothingApplied(b.id);
      svc.testHooks.afterStep = undefined;
      expect((await svc.publish(ed, b.id, b.version)).state).toBe('published');
    });

    it('refuses a stale version and an editor without publish rights in the scope', async () => {
      const b = await assemble();
      expect(((await svc.publish(ed, b.id, b.version - 1).catch((e) => e)) as AppError).code).toBe('conflict');
      expect(((await svc.publish(editor('ISO'), b.id, b.version).catch((e) => e)) as AppError).code).toBe('not_found');
      await nothingApplied(b.id);
    });
  });
});
