import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RecordIndexer } from '../catalogue/ports.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { JobDefinition } from '../jobs/ports.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { KyselyLifecycleStore } from './adapters/kysely-store.js';
import { computeStatus, FACT_TYPES, isCalendarDate, type ComputedStatus, type LifecycleFact, type Phase } from './compute.js';
import { deriveFacts, effectiveDate, type Successor } from './derive.js';
import type { LifecycleEventInput } from './ports.js';

/** The actor of changes the scheduled job makes. */
export const LIFECYCLE_ACTOR = 'system:lifecycle';
/** Name of the scheduled job (job_run.name). */
export const LIFECYCLE_JOB = 'lifecycle.transitions';
const CURSOR_KEY = 'lifecycle.derive_cursor';
const BATCH = 200;

export interface LifecycleSettings {
  REVIEW_YEARS: number;
  DISCLOSURE_WORKING_DAYS: number;
  LIFECYCLE_TIME_ZONE: string;
}

export interface LifecycleServiceOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** The catalogue's record indexers (search), so a status change updates the index in the same transaction. */
  indexers: RecordIndexer[];
  calendar: WorkingCalendar;
  settings: LifecycleSettings;
}

/** Another standard named in an answer (what a standard replaced, or what replaced it). */
export interface RelatedStandard {
  id: string;
  number: string | null;
  /** The date the replacement takes (took) effect. */
  date: string;
}

/** A standard's status on a date (API GET /api/v1/standards/:id/status?asOf=). */
export interface StatusAsOf {
  id: string;
  asOf: string;
  /** Catalogue status code on that date; null when no recorded fact puts the standard in existence by then. */
  status: string | null;
  /** The lifecycle phase behind the status (null when the source's status stands or nothing is recorded yet). */
  phase: Phase | null;
  /** Date the status began, when recorded. */
  since: string | null;
  /** 'facts' = computed from dated facts; 'source' = the status the source gave (no facts, or an undated end). */
  basis: 'facts' | 'source';
  /** The source's own status and its printed form (kept for honesty). */
  sourceStatus: string | null;
  statusSource: string | null;
  /** Standards whose replacement by this one had taken effect by asOf. */
  replaced: RelatedStandard[];
  /** The standard that had replaced this one by asOf (the latest), or null. */
  replacedBy: RelatedStandard | null;
  /** All facts of the standard, oldest first, each with `inEffect` for asOf. */
  facts: (LifecycleFact & { inEffect: boolean })[];
}

/**
 * The lifecycle engine: records dated facts, derives them from imported records, computes statuses (never typed
 * in) and applies transitions when their dates come (the scheduled job). Every change commits with its event.
 */
export class LifecycleService {
  readonly store: KyselyLifecycleStore;
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly settings: LifecycleSettings;
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(opts: LifecycleServiceOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.calendar = opts.calendar;
    this.settings = opts.settings;
    this.store = new KyselyLifecycleStore(opts.indexers);
    this.dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: opts.settings.LIFECYCLE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** The calendar day of an instant in LIFECYCLE_TIME_ZONE ('YYYY-MM-DD'): the day whose facts are in effect. */
  dayOf(now: Date = this.clock.now()): string {
    const parts = Object.fromEntries(this.dayFormat.formatToParts(now).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  }

  /**
   * Records facts inside the caller's transaction (bulletins, editors): each new fact gets a
   * 'lifecycle.fact_recorded' event; a fact already stored (same stdId, type, date, related) is skipped silently,
   * so replays are harmless. Facts already in effect today are applied at once (status + event, same transaction).
   * Throws invalid_input for an unknown type or a date that is not 'YYYY-MM-DD'.
   */
  async recordInTx(trx: Transaction<Database>, events: LifecycleEventInput[], actor: string): Promise<void> {
    for (const e of events) validateInput(e);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const inserted = await this.store.insertFacts(trx, events, nowIso);
    for (const f of inserted)
      await trx
        .insertInto('event')
        .values({
          at: nowIso,
          actor,
          verb: 'lifecycle.fact_recorded',
          object_type: 'standard',
          object_id: f.stdId,
          before: null,
          after: JSON.stringify({ type: f.type, date: f.date, related: f.related, source: f.source }),
        })
        .execute();
    const today = this.dayOf(now);
    // A fact dated in the future can change today's status too (an implementation date now ahead of a release).
    for (const id of [...new Set(inserted.map((f) => f.stdId))]) await this.applyPending(trx, id, today, actor, nowIso);
  }

  /** recordInTx in its own transaction. */
  async record(events: LifecycleEventInput[], actor: string): Promise<void> {
    await this.db.transaction().execute((trx) => this.recordInTx(trx, events, actor));
  }

  /**
   * Applies every transition whose date has come (date ≤ today) and is not applied yet, standard by standard, each
   * in one transaction: the status steps through the pending dates in order (one 'standard.status_changed' event
   * per actual change), then the facts are marked applied. Idempotent; after downtime it catches up.
   */
  async applyDue(now: Date = this.clock.now()): Promise<{ changed: number }> {
    // Records changed since the last pass first: their facts (and source status) must be current before applying.
    let changed = (await this.deriveChanged(now)).changed;
    const today = this.dayOf(now);
    const nowIso = now.toISOString();
    for (;;) {
      const ids = await this.store.pendingStandards(this.db, today, BATCH);
      if (!ids.length) break;
      for (const id of ids) changed += await this.db.transaction().execute((trx) => this.applyPending(trx, id, today, LIFECYCLE_ACTOR, nowIso));
    }
    return { changed };
  }

  /**
   * Derives facts from catalogue records created or changed since the last pass (a cursor over the event log, so
   * existing data is covered on the first run and re-imports are followed), then sets each touched standard's
   * status for today. Each batch commits with its cursor: restart-safe.
   */
  async deriveChanged(now: Date = this.clock.now()): Promise<{ standards: number; changed: number }> {
    const today = this.dayOf(now);
    const nowIso = now.toISOString();
    let standards = 0;
    let changed = 0;
    for (;;) {
      const cursor = Number((await this.store.getMeta(this.db, CURSOR_KEY)) ?? 0);
      const events = await this.store.standardEventsAfter(this.db, cursor, BATCH);
      if (!events.length) break;
      const latest = new Map<string, { before: string | null; after: string | null } | null>();
      for (const e of events) latest.set(e.objectId, e.verb === 'standard.deleted' ? null : { before: e.before, after: e.after });
      const r = await this.db.transaction().execute(async (trx) => {
        const out = await this.deriveFor(trx, latest, today, nowIso);
        // Only forward: a concurrent pass (bulletin publishing calls applyDue too) may have gone further already.
        const last = events[events.length - 1].id;
        if (last > Number((await this.store.getMeta(trx, CURSOR_KEY)) ?? 0)) await this.store.setMeta(trx, CURSOR_KEY, String(last));
        return out;
      });
      standards += r.standards;
      changed += r.changed;
    }
    return { standards, changed };
  }

  /** One pass of the scheduled job: derive from changed records, then apply due transitions (= applyDue). */
  async runJob(now: Date = this.clock.now()): Promise<{ changed: number }> {
    return this.applyDue(now);
  }

  /** The scheduled job (hourly and at start), for services.jobs.register(). */
  jobDefinition(everyMs = 3_600_000): JobDefinition {
    return { name: LIFECYCLE_JOB, everyMs, run: (now) => this.runJob(now) };
  }

  /** All facts of a standard, oldest first. */
  async facts(stdId: string): Promise<LifecycleFact[]> {
    return this.store.factsOf(this.db, [stdId]);
  }

  /**
   * A standard's status on `date` ('YYYY-MM-DD'; invalid_query otherwise), with what it had replaced and what had
   * replaced it by then. About today or later, a terminal source status without a dated end stands (see
   * computeStatus); about the past only dated facts answer. Throws standard_not_found for an unknown id.
   */
  async statusAsOf(stdId: string, date: string): Promise<StatusAsOf> {
    assertAsOf(date);
    const row = await this.db.selectFrom('standard').select(['id', 'body', 'status', 'status_source']).where('id', '=', stdId).executeTakeFirst();
    if (!row) throw new AppError('standard_not_found');
    const [facts, naming, sources] = await Promise.all([
      this.store.factsOf(this.db, [stdId]),
      this.store.factsNaming(this.db, stdId, 'replaced'),
      this.store.sourceStatuses(this.db, [stdId]),
    ]);
    const src = sources.get(stdId) ?? { status: row.status, statusSource: row.status_source };
    const c = computeStatus(facts, date, row.body, src.status, { trustSource: date >= this.dayOf() });
    const replacedFacts = naming.filter((f) => f.date <= date);
    const byFacts = facts.filter((f) => f.type === 'replaced' && f.related && f.date <= date);
    const numbers = await this.numbers([...replacedFacts.map((f) => f.stdId), ...byFacts.map((f) => f.related as string)]);
    const last = byFacts.at(-1);
    return {
      id: stdId,
      asOf: date,
      status: c.status,
      phase: c.phase,
      since: c.since,
      basis: c.basis,
      sourceStatus: src.status,
      statusSource: src.statusSource,
      replaced: replacedFacts.map((f) => ({ id: f.stdId, number: numbers.get(f.stdId) ?? null, date: f.date })),
      replacedBy: last ? { id: last.related as string, number: numbers.get(last.related as string) ?? null, date: last.date } : null,
      facts: facts.map((f) => ({ ...f, inEffect: f.date <= date })),
    };
  }

  /** Status as of a date of every edition of a family (newest first), and which were current then. */
  async familyAsOf(familyIds: string[], date: string): Promise<{ current: StatusAsOf[]; editions: StatusAsOf[] }> {
    assertAsOf(date);
    const editions: StatusAsOf[] = [];
    for (const id of familyIds) editions.push(await this.statusAsOf(id, date));
    // In force on that day: the computed phase (a body may name the status differently), or the source's 'current'.
    return { current: editions.filter((e) => (e.basis === 'facts' ? e.phase === 'current' : e.status === 'current')), editions };
  }

  /** The disclosure deadline of a standard approved on `approved`: DISCLOSURE_WORKING_DAYS working days later. */
  disclosureDeadline(approved: string): string {
    return this.calendar.addWorkingDays(approved, this.settings.DISCLOSURE_WORKING_DAYS);
  }

  private async numbers(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const uniq = [...new Set(ids)];
    for (let i = 0; i < uniq.length; i += 500) {
      const rows = await this.db.selectFrom('standard').select(['id', 'number']).where('id', 'in', uniq.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.id, r.number);
    }
    return out;
  }

  /** Steps one standard's status through its pending fact dates, then marks them applied. Returns the changes made. */
  private async applyPending(trx: Transaction<Database>, stdId: string, today: string, actor: string, nowIso: string): Promise<number> {
    // A record changed after the last derivation pass (an import, an editor's edit, a bulletin creating it in this
    // very transaction): derive its facts from the record as it now is first; that also sets today's status. The
    // pass reaches the same event later and finds nothing to do.
    const fresh = await this.store.latestEventSince(trx, stdId, Number((await this.store.getMeta(trx, CURSOR_KEY)) ?? 0));
    if (fresh) return (await this.deriveFor(trx, new Map([[stdId, fresh.verb === 'standard.deleted' ? null : fresh]]), today, nowIso, actor)).changed;
    const row = await trx.selectFrom('standard').select(['body', 'status']).where('id', '=', stdId).executeTakeFirst();
    let changed = 0;
    if (row) {
      const facts = await this.store.factsOf(trx, [stdId]);
      const src = (await this.store.sourceStatuses(trx, [stdId])).get(stdId)?.status ?? row.status;
      const dates = [...new Set(facts.filter((f) => !f.appliedAt && f.date <= today).map((f) => f.date))].sort();
      let running = row.status;
      for (const d of dates) {
        const c = computeStatus(facts, d, row.body, src, { trustSource: true });
        if (c.status && c.status !== running) {
          if (await this.store.setStatus(trx, stdId, c.status, causeOf(c, d), actor, nowIso)) changed++;
          running = c.status;
        }
      }
      const now = computeStatus(facts, today, row.body, src, { trustSource: true });
      if (now.status && now.status !== running && (await this.store.setStatus(trx, stdId, now.status, causeOf(now, today), actor, nowIso))) changed++;
    }
    await this.store.markApplied(trx, stdId, today, nowIso);
    return changed;
  }

  /** Re-derives the facts of changed records (and of the standards they replace or are replaced by), sets statuses. */
  private async deriveFor(
    trx: Transaction<Database>,
    changed: Map<string, { before: string | null; after: string | null } | null>,
    today: string,
    nowIso: string,
    actor = LIFECYCLE_ACTOR,
  ): Promise<{ standards: number; changed: number }> {
    const ids = [...changed.keys()];
    // The status each record's source gave it: the record as the importer (or an editor) wrote it. An edit that
    // left the status alone (it carries the computed one) does not replace what the source said.
    const known = await this.store.sourceStatuses(trx, ids);
    for (const [id, e] of changed) {
      if (!e?.after) continue;
      const r = JSON.parse(e.after) as StandardRecord;
      const before = e.before ? (JSON.parse(e.before) as StandardRecord) : null;
      if (before && before.status === r.status && known.has(id)) continue;
      await this.store.putSourceStatus(trx, id, r.status, r.statusSource ?? null, nowIso);
    }
    const around = await this.store.replacementEdges(trx, ids);
    const all = [...new Set([...ids, ...around.flatMap((e) => [e.pred, e.succ])])];
    const edges = await this.store.replacementEdges(trx, all);
    const records = await this.store.records(trx, [...new Set([...all, ...edges.map((e) => e.succ)])]);
    const succBy = new Map<string, { pred: string; succ: string }[]>();
    for (const e of edges) succBy.set(e.pred, [...(succBy.get(e.pred) ?? []), e]);
    const existingBy = new Map<string, LifecycleFact[]>();
    for (const f of await this.store.factsOf(trx, all)) existingBy.set(f.stdId, [...(existingBy.get(f.stdId) ?? []), f]);
    let count = 0;
    const toInsert: (LifecycleEventInput & { derived: boolean })[] = [];
    for (const id of all) {
      const record = records.get(id);
      const have = existingBy.get(id) ?? [];
      const mine = have.filter((f) => f.derived);
      if (!record) {
        // Deleted: its derived facts go; facts recorded by people (bulletins, editors) stay.
        await this.store.deleteFacts(trx, mine);
        continue;
      }
      const successors: Successor[] = (succBy.get(id) ?? [])
        .map((e) => ({ id: e.succ, date: records.get(e.succ) ? effectiveDate(records.get(e.succ)!) : null }));
      const want = deriveFacts(record, successors);
      const key = (f: { type: string; date: string; related?: string | null }) => `${f.type}|${f.date}|${f.related ?? ''}`;
      const wantKeys = new Set(want.map(key));
      const haveKeys = new Set(have.map(key));
      await this.store.deleteFacts(trx, mine.filter((f) => !wantKeys.has(key(f))));
      toInsert.push(...want.filter((f) => !haveKeys.has(key(f))).map((f) => ({ ...f, derived: true })));
      count++;
    }
    await this.store.insertFactsBulk(trx, toInsert, nowIso);
    // Today's status of every touched standard; facts in effect today count as applied (history before this pass
    // is not replayed as if it had just happened).
    let changes = 0;
    const facts = await this.store.factsOf(trx, all);
    const sources = await this.store.sourceStatuses(trx, all);
    const rows = await this.store.rows(trx, all);
    const factsBy = new Map<string, LifecycleFact[]>();
    for (const f of facts) factsBy.set(f.stdId, [...(factsBy.get(f.stdId) ?? []), f]);
    for (const id of all) {
      const row = rows.get(id);
      if (!row) continue;
      const src = sources.get(id)?.status ?? row.status;
      const c = computeStatus(factsBy.get(id) ?? [], today, row.body, src, { trustSource: true });
      if (c.status && c.status !== row.status && (await this.store.setStatus(trx, id, c.status, causeOf(c, today), actor, nowIso))) changes++;
    }
    await this.store.markApplied(trx, all, today, nowIso);
    return { standards: count, changed: changes };
  }
}

function causeOf(c: ComputedStatus, day: string): { fact: LifecycleFact | null; effective: string | null; basis: string } {
  return { fact: c.cause, effective: c.since ?? day, basis: c.basis };
}

/** Throws invalid_query unless `date` is a real calendar date 'YYYY-MM-DD'. */
export function assertAsOf(date: unknown): asserts date is string {
  if (!isCalendarDate(date))
    throw new AppError('invalid_query', `asOf must be a calendar date written YYYY-MM-DD (for example 2019-05-01), got "${String(date).slice(0, 40)}"`);
}

function validateInput(e: LifecycleEventInput): void {
  const bad = (why: string) => new AppError('invalid_input', `lifecycle fact for "${String(e?.stdId).slice(0, 100)}": ${why}`);
  if (!e || typeof e.stdId !== 'string' || !e.stdId || e.stdId.length > 200) throw bad('stdId must be 1–200 characters');
  if (!FACT_TYPES.includes(e.type)) throw bad(`unknown type "${String(e.type).slice(0, 40)}" (known: ${FACT_TYPES.join(', ')})`);
  if (!isCalendarDate(e.date)) throw bad(`date must be YYYY-MM-DD, got "${String(e.date).slice(0, 40)}"`);
  if (e.related !== undefined && (typeof e.related !== 'string' || e.related.length > 200)) throw bad('related must be at most 200 characters');
  if (e.type === 'replaced' && !e.related) throw bad("a 'replaced' fact names its successor in related");
  if (typeof e.source !== 'string' || !e.source || e.source.length > 200) throw bad('source must be 1–200 characters');
}
