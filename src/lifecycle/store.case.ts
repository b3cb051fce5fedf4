import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import type { StandardRecord } from '../catalogue/model.js';
import { FakeClock } from '../kernel/clock.js';
import { WorkingCalendar } from '../calendar/calendar.js';
import { SHIPPED_CALENDARS } from '../calendar/load.js';
import { Scheduler } from '../jobs/scheduler.js';
import { LocalJobLock } from '../jobs/local-lock.js';
import { testRecord } from '../testing/records.js';
import { LIFECYCLE_JOB, LifecycleService } from './service.js';

/** A minimal catalogue record for the lifecycle tests (titled by its number). */
export function std(over: Partial<StandardRecord> & { id: string; number: string }): StandardRecord {
  return testRecord({ titles: [{ lang: 'zh', type: 'main', text: over.number }], ...over });
}

/**
 * The lifecycle contract (facts, derivation from records, the transition job, as-of answers), written once and
 * run on every database adapter: `make` gives a fresh migrated database.
 */
export function lifecycleStoreContract(make: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>): void {
  let h: { db: Kysely<Database>; close(): Promise<void> };
  let clock: FakeClock;
  let catalogue: KyselyCatalogueStore;
  let lifecycle: LifecycleService;
  let jobs: Scheduler;
  const at = (t: string) => new Date(t);

  const statusOf = async (id: string) =>
    (await h.db.selectFrom('standard').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const statusEvents = async (id?: string) => {
    let q = h.db.selectFrom('event').select(['object_id', 'before', 'after', 'actor']).where('verb', '=', 'standard.status_changed');
    if (id) q = q.where('object_id', '=', id);
    return (await q.orderBy('id').execute()).map((e) => ({ id: e.object_id, actor: e.actor, before: JSON.parse(e.before ?? 'null'), after: JSON.parse(e.after ?? 'null') }));
  };
  /** Moves the fake clock and lets the scheduler run what is due, as the timer would. */
  const tick = async (t: string) => {
    clock.set(t);
    return jobs.runDue(clock.now());
  };

  beforeEach(async () => {
    h = await make();
    clock = new FakeClock(at('2026-11-25T00:00:00Z'));
    catalogue = new KyselyCatalogueStore(h.db, clock, []);
    lifecycle = new LifecycleService({
      db: h.db,
      clock,
      indexers: [],
      calendar: new WorkingCalendar(SHIPPED_CALENDARS),
      settings: { REVIEW_YEARS: 5, DISCLOSURE_WORKING_DAYS: 20, LIFECYCLE_TIME_ZONE: 'UTC' },
    });
    jobs = new Scheduler({ db: h.db, clock, lock: new LocalJobLock() });
    jobs.register(lifecycle.jobDefinition());
  });
  afterEach(async () => {
    await jobs.close();
    await h.close();
  });

  const predecessor = std({
    id: 'GB-100-2010',
    number: 'GB 100-2010',
    dates: [
      { type: 'issued', value: '2010-01-05' },
      { type: 'implemented', value: '2010-06-01' },
    ],
    relations: [{ type: 'replacedBy', target: 'GB 100-2026' }],
  });
  const successor = std({
    id: 'GB-100-2026',
    number: 'GB 100-2026',
    dates: [
      { type: 'issued', value: '2026-11-20' },
      { type: 'implemented', value: '2026-12-01' },
    ],
    status: 'to-be-implemented',
    relations: [{ type: 'replaces', target: 'GB 100-2010' }],
  });

  describe('lifecycle engine', () => {
    it('a released standard is to be implemented until its implementation date and current from it; its predecessor is replaced that day', async () => {
      await catalogue.upsert(predecessor, { actor: 'importer:test' });
      await catalogue.upsert(successor, { actor: 'importer:test' });
      await tick('2026-11-25T00:00:00Z');
      expect(await statusOf('GB-100-2026')).toBe('to-be-implemented');
      expect(await statusOf('GB-100-2010')).toBe('current');
      expect(await statusEvents()).toEqual([]);

      await tick('2026-11-30T23:30:00Z');
      expect(await statusOf('GB-100-2026')).toBe('to-be-implemented');
      expect(await statusOf('GB-100-2010')).toBe('current');

      await tick('2026-12-01T00:30:00Z');
      expect(await statusOf('GB-100-2026')).toBe('current');
      expect(await statusOf('GB-100-2010')).toBe('replaced');
      const ev = await statusEvents();
      expect(ev).toHaveLength(2);
      expect(ev.find((e) => e.id === 'GB-100-2026')).toMatchObject({
        actor: 'system:lifecycle',
        before: { status: 'to-be-implemented' },
        after: { status: 'current', effective: '2026-12-01', cause: { type: 'implemented', date: '2026-12-01' } },
      });
      expect(ev.find((e) => e.id === 'GB-100-2010')).toMatchObject({
        before: { status: 'current' },
        after: { status: 'replaced', effective: '2026-12-01', cause: { type: 'replaced', date: '2026-12-01', related: 'GB-100-2026' } },
      });
      // The record's read model carries the computed status too.
      expect((await catalogue.get('GB-100-2010'))?.status).toBe('replaced');

      // Running again (the next hour, or by hand) changes nothing.
      await tick('2026-12-01T02:00:00Z');
      await jobs.runNow(LIFECYCLE_JOB);
      expect(await statusEvents()).toHaveLength(2);
    });

    it('answers the status as of dates before, between and after the transitions, with what was replaced', async () => {
      await catalogue.upsert(predecessor, { actor: 'importer:test' });
      await catalogue.upsert(successor, { actor: 'importer:test' });
      await tick('2026-11-25T00:00:00Z');
      const p = (d: string) => lifecycle.statusAsOf('GB-100-2010', d);
      const s = (d: string) => lifecycle.statusAsOf('GB-100-2026', d);
      expect((await p('2009-12-31')).status).toBeNull();
      expect(await p('2010-03-01')).toMatchObject({ status: 'to-be-implemented', since: '2010-01-05', basis: 'facts' });
      expect(await p('2019-05-01')).toMatchObject({ status: 'current', since: '2010-06-01', replacedBy: null });
      expect(await p('2026-11-30')).toMatchObject({ status: 'current' });
      expect(await p('2026-12-01')).toMatchObject({
        status: 'replaced',
        since: '2026-12-01',
        replacedBy: { id: 'GB-100-2026', number: 'GB 100-2026', date: '2026-12-01' },
      });
      expect((await s('2026-11-01')).status).toBeNull();
      expect(await s('2026-11-20')).toMatchObject({ status: 'to-be-implemented', replaced: [] });
      expect(await s('2027-01-01')).toMatchObject({
        status: 'current',
        since: '2026-12-01',
        replaced: [{ id: 'GB-100-2010', number: 'GB 100-2010', date: '2026-12-01' }],
      });
      const facts = (await s('2026-11-25')).facts.map((f) => [f.type, f.date, f.inEffect]);
      expect(facts).toEqual([
        ['released', '2026-11-20', true],
        ['implemented', '2026-12-01', false],
      ]);
      await expect(lifecycle.statusAsOf('GB-100-2010', '2019-02-30')).rejects.toMatchObject({ code: 'invalid_query' });
      await expect(lifecycle.statusAsOf('GB-100-2010', '01/05/2019')).rejects.toMatchObject({ code: 'invalid_query' });
      await expect(lifecycle.statusAsOf('NOPE', '2019-05-01')).rejects.toMatchObject({ code: 'standard_not_found' });
    });

    it('catches up after a week of downtime with exactly one event per transition, and not again after a restart', async () => {
      const recs = [
        predecessor,
        successor,
        // Implemented, then abolished, both while the service was down: two transitions, two events.
        std({ id: 'GB-200-2026', number: 'GB 200-2026', status: 'to-be-implemented', dates: [{ type: 'issued', value: '2026-11-10' }, { type: 'implemented', value: '2026-11-27' }, { type: 'abolished', value: '2026-11-30' }] }),
        // Abolished during the downtime.
        std({ id: 'GB-300-2001', number: 'GB 300-2001', dates: [{ type: 'implemented', value: '2001-05-01' }, { type: 'abolished', value: '2026-11-28' }] }),
        // Nothing happens to it.
        std({ id: 'GB-400-2020', number: 'GB 400-2020', dates: [{ type: 'implemented', value: '2020-05-01' }] }),
      ];
      for (const r of recs) await catalogue.upsert(r, { actor: 'importer:test' });
      await tick('2026-11-25T00:00:00Z');
      expect(await statusEvents()).toEqual([]);

      // Down for a week: no run between 25 Nov and 2 Dec.
      await tick('2026-12-02T09:00:00Z');
      const ev = await statusEvents();
      expect(ev.map((e) => [e.id, e.before.status, e.after.status, e.after.effective])).toEqual(
        expect.arrayContaining([
          ['GB-100-2026', 'to-be-implemented', 'current', '2026-12-01'],
          ['GB-100-2010', 'current', 'replaced', '2026-12-01'],
          ['GB-200-2026', 'to-be-implemented', 'current', '2026-11-27'],
          ['GB-200-2026', 'current', 'abolished', '2026-11-30'],
          ['GB-300-2001', 'current', 'abolished', '2026-11-28'],
        ]),
      );
      expect(ev).toHaveLength(5);

      // A restart: a new scheduler on the same database. The job ran less than an hour ago, so it is not due; a
      // forced run finds nothing pending either.
      await jobs.close();
      jobs = new Scheduler({ db: h.db, clock, lock: new LocalJobLock() });
      jobs.register(lifecycle.jobDefinition());
      clock.set('2026-12-02T09:20:00Z');
      expect(await jobs.runDue(clock.now())).toEqual([{ name: LIFECYCLE_JOB, result: 'not_due' }]);
      expect(await jobs.runNow(LIFECYCLE_JOB)).toMatchObject({ result: 'ran', changed: 0 });
      await tick('2026-12-09T10:00:00Z');
      expect(await statusEvents()).toHaveLength(5);
      const run = await h.db.selectFrom('job_run').selectAll().where('name', '=', LIFECYCLE_JOB).executeTakeFirstOrThrow();
      expect(run).toMatchObject({ last_status: 'ok', last_started_at: '2026-12-09T10:00:00.000Z' });
    });

    it('records facts idempotently inside the caller transaction, with one event each, and applies those in effect', async () => {
      await catalogue.upsert(std({ id: 'GB-500-2026', number: 'GB 500-2026', status: 'under-development' }), { actor: 'importer:test' });
      const facts = [
        { stdId: 'GB-500-2026', type: 'approved' as const, date: '2026-11-20', source: 'bulletin:2026-14' },
        { stdId: 'GB-500-2026', type: 'implemented' as const, date: '2027-06-01', source: 'bulletin:2026-14' },
      ];
      await h.db.transaction().execute((trx) => lifecycle.recordInTx(trx, facts, 'user:u1'));
      await h.db.transaction().execute((trx) => lifecycle.recordInTx(trx, facts, 'user:u1'));
      expect(await lifecycle.facts('GB-500-2026')).toHaveLength(2);
      const recorded = await h.db.selectFrom('event').select(['actor', 'after']).where('verb', '=', 'lifecycle.fact_recorded').execute();
      expect(recorded).toHaveLength(2);
      expect(await statusOf('GB-500-2026')).toBe('to-be-implemented');
      expect(await statusEvents('GB-500-2026')).toMatchObject([{ actor: 'user:u1', after: { status: 'to-be-implemented' } }]);

      // A failing caller transaction leaves nothing behind.
      await expect(
        h.db.transaction().execute(async (trx) => {
          await lifecycle.recordInTx(trx, [{ stdId: 'GB-500-2026', type: 'reviewed', date: '2026-11-21', source: 'editor' }], 'user:u1');
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await lifecycle.facts('GB-500-2026')).toHaveLength(2);

      for (const bad of [
        { stdId: 'GB-500-2026', type: 'nonsense', date: '2026-11-20', source: 'x' },
        { stdId: 'GB-500-2026', type: 'approved', date: '2026-13-01', source: 'x' },
        { stdId: 'GB-500-2026', type: 'replaced', date: '2026-11-01', source: 'x' },
      ])
        await expect(lifecycle.record([bad as never], 'user:u1')).rejects.toMatchObject({ code: 'invalid_input' });

      // The job later finds nothing to redo.
      await tick('2026-11-25T03:00:00Z');
      expect(await statusEvents('GB-500-2026')).toHaveLength(1);
    });

    it('keeps the computed status when an unchanged source is imported again, and follows a changed one', async () => {
      await catalogue.upsert(predecessor, { actor: 'importer:test' });
      await catalogue.upsert(successor, { actor: 'importer:test' });
      await tick('2026-12-01T00:00:00Z');
      expect(await statusOf('GB-100-2010')).toBe('replaced');
      expect(await catalogue.upsert(predecessor, { actor: 'importer:test' })).toBe('unchanged');
      expect(await statusOf('GB-100-2010')).toBe('replaced');
      // A corrected source postpones the successor: both return to their earlier status at the next run.
      const later = { ...successor, dates: [{ type: 'issued', value: '2026-11-20' }, { type: 'implemented', value: '2027-03-01' }] };
      expect(await catalogue.upsert(later, { actor: 'importer:test' })).toBe('updated');
      await tick('2026-12-01T01:00:00Z');
      expect(await statusOf('GB-100-2026')).toBe('to-be-implemented');
      expect(await statusOf('GB-100-2010')).toBe('current');
      expect((await lifecycle.facts('GB-100-2010')).filter((f) => f.type === 'replaced').map((f) => f.date)).toEqual(['2027-03-01']);
    });

    it('maps RFC obsoleted and Historic: dated obsoletion from the successor, undated Historic from the source', async () => {
      const rfc = (n: number, over: Partial<StandardRecord>) =>
        std({ id: `RFC-${n}`, number: `RFC ${n}`, identifiers: [{ type: 'IETF', value: `RFC ${n}`, primary: true }], body: 'IETF', docType: 'rfc', ...over });
      await catalogue.upsert(rfc(2616, { dates: [{ type: 'published', value: '1999-06' }], status: 'obsoleted', statusSource: 'DRAFT STANDARD', relations: [{ type: 'replacedBy', target: 'RFC 7230' }] }), { actor: 'importer:rfc-index' });
      await catalogue.upsert(rfc(7230, { dates: [{ type: 'published', value: '2014-06' }], statusSource: 'PROPOSED STANDARD', relations: [{ type: 'replaces', target: 'RFC 2616' }] }), { actor: 'importer:rfc-index' });
      await catalogue.upsert(rfc(1000, { dates: [{ type: 'published', value: '1987-08' }], status: 'historic', statusSource: 'HISTORIC' }), { actor: 'importer:rfc-index' });
      await tick('2026-11-25T00:00:00Z');
      // Statuses agree with the source: no event.
      expect(await statusEvents()).toEqual([]);
      expect(await statusOf('RFC-2616')).toBe('obsoleted');
      expect(await statusOf('RFC-1000')).toBe('historic');
      expect(await lifecycle.statusAsOf('RFC-2616', '2010-01-01')).toMatchObject({ status: 'current', since: '1999-06' });
      expect(await lifecycle.statusAsOf('RFC-2616', '2014-06-15')).toMatchObject({ status: 'obsoleted', replacedBy: { id: 'RFC-7230', date: '2014-06' } });
      expect(await lifecycle.statusAsOf('RFC-7230', '2020-01-01')).toMatchObject({ status: 'current', replaced: [{ id: 'RFC-2616', number: 'RFC 2616' }] });
      expect(await lifecycle.statusAsOf('RFC-1000', '2026-11-25')).toMatchObject({ status: 'historic', basis: 'source', statusSource: 'HISTORIC' });
      expect(await lifecycle.statusAsOf('RFC-1000', '1990-01-01')).toMatchObject({ status: 'current', basis: 'facts' });
    });

    it('maps ISO: a new edition withdraws the previous one; stage 95.99 on its stage date withdraws', async () => {
      const iso = (id: string, number: string, over: Partial<StandardRecord>) =>
        std({ id, number, identifiers: [{ type: 'ISO', value: number, primary: true }], body: 'ISO', ...over });
      await catalogue.upsert(iso('ISO-9001-2008', 'ISO 9001:2008', { dates: [{ type: 'published', value: '2008-11-14' }], status: 'withdrawn', stage: '95.99', relations: [{ type: 'replacedBy', target: 'ISO 9001:2015' }] }), { actor: 'importer:relaton' });
      await catalogue.upsert(iso('ISO-9001-2015', 'ISO 9001:2015', { dates: [{ type: 'published', value: '2015-09-15' }], stage: '60.60' }), { actor: 'importer:relaton' });
      await catalogue.upsert(iso('ISO-1-2002', 'ISO 1:2002', { dates: [{ type: 'published', value: '2002-10-01' }, { type: 'stage-date', value: '2016-06-30' }], stage: '95.99', status: 'withdrawn' }), { actor: 'importer:relaton' });
      await tick('2026-11-25T00:00:00Z');
      expect(await statusEvents()).toEqual([]);
      expect(await lifecycle.statusAsOf('ISO-9001-2008', '2015-09-14')).toMatchObject({ status: 'current' });
      expect(await lifecycle.statusAsOf('ISO-9001-2008', '2015-09-15')).toMatchObject({ status: 'withdrawn', replacedBy: { id: 'ISO-9001-2015' } });
      expect(await lifecycle.statusAsOf('ISO-1-2002', '2016-06-29')).toMatchObject({ status: 'current' });
      expect(await lifecycle.statusAsOf('ISO-1-2002', '2016-06-30')).toMatchObject({ status: 'withdrawn', since: '2016-06-30' });
    });

    it('follows an editor’s dated withdrawal at once and never undoes it with a pending transition', async () => {
      const x = std({ id: 'GB-900-2020', number: 'GB 900-2020', dates: [{ type: 'implemented', value: '2020-05-01' }] });
      await catalogue.upsert(x, { actor: 'importer:test' });
      await catalogue.upsert(std({ id: 'GB-901-2026', number: 'GB 901-2026', status: 'under-development' }), { actor: 'importer:test' });
      await tick('2026-11-25T00:00:00Z');
      // A bulletin fact for another standard is pending while an editor withdraws GB 900-2020 (through upsert).
      await lifecycle.record([{ stdId: 'GB-901-2026', type: 'approved', date: '2026-11-26', source: 'bulletin:b1' }], 'user:u2');
      clock.set('2026-11-26T08:00:00Z');
      await catalogue.upsert({ ...x, status: 'withdrawn', dates: [...x.dates, { type: 'withdrawn', value: '2026-11-26' }] }, { actor: 'user:editor' });
      await lifecycle.applyDue(clock.now());
      expect(await statusOf('GB-900-2020')).toBe('withdrawn');
      expect(await statusOf('GB-901-2026')).toBe('to-be-implemented');
      expect((await statusEvents('GB-900-2020')).length).toBe(0);
      expect(await lifecycle.statusAsOf('GB-900-2020', '2026-11-26')).toMatchObject({ status: 'withdrawn', since: '2026-11-26', basis: 'facts' });
      await tick('2026-11-26T09:00:00Z');
      expect(await statusOf('GB-900-2020')).toBe('withdrawn');
    });

    it('leaves a record without dates on its source status', async () => {
      await catalogue.upsert(std({ id: 'GB-T-600-2024', number: 'GB/T 600-2024', status: 'unknown', dates: [{ type: 'issued', value: '2024' }] }), { actor: 'importer:test' });
      await tick('2026-11-25T00:00:00Z');
      expect(await lifecycle.statusAsOf('GB-T-600-2024', '2026-11-25')).toMatchObject({ status: 'unknown', basis: 'source', facts: [] });
    });
  });
}
