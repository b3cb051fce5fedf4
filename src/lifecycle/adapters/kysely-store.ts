import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { RecordIndexer } from '../../catalogue/ports.js';
import type { StandardRecord } from '../../catalogue/model.js';
import { canonicalJson } from '../../catalogue/normalise.js';
import type { LifecycleFact } from '../compute.js';
import type { LifecycleEventInput, LifecycleEventType } from '../ports.js';

/** Anything queries run on: the database or an open transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

type FactRow = Database['lifecycle_fact'];

function toFact(r: Pick<FactRow, 'std_id' | 'type' | 'date' | 'related' | 'source' | 'derived' | 'applied_at'>): LifecycleFact {
  return {
    stdId: r.std_id,
    type: r.type as LifecycleEventType,
    date: r.date,
    related: r.related || null,
    source: r.source,
    derived: r.derived === 1,
    appliedAt: r.applied_at,
  };
}

/** The row of a new (not yet applied) fact. */
function factRow(f: LifecycleEventInput & { derived?: boolean }, nowIso: string) {
  return {
    std_id: f.stdId,
    type: f.type,
    date: f.date,
    related: f.related ?? '',
    source: f.source,
    derived: f.derived ? 1 : 0,
    applied_at: null,
    created_at: nowIso,
  };
}

/**
 * Storage of lifecycle facts on Kysely (SQLite and PostgreSQL alike). Every function takes the executor so that
 * callers choose the transaction: facts, the status they change and the events they cause commit together.
 */
export class KyselyLifecycleStore {
  constructor(private readonly indexers: RecordIndexer[] = []) {}

  /** Inserts facts; a fact already stored (same std_id, type, date, related) is left alone. Returns those inserted. */
  async insertFacts(db: Db, facts: (LifecycleEventInput & { derived?: boolean })[], nowIso: string): Promise<LifecycleFact[]> {
    const inserted: LifecycleFact[] = [];
    for (const f of facts) {
      const row = factRow(f, nowIso);
      const r = await db
        .insertInto('lifecycle_fact')
        .values(row)
        .onConflict((oc) => oc.columns(['std_id', 'type', 'date', 'related']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) inserted.push(toFact(row));
      else if (!f.derived)
        // Stated now by a person or a bulletin: no longer only derived, so a changed import cannot drop it.
        await db
          .updateTable('lifecycle_fact')
          .set({ derived: 0 })
          .where('std_id', '=', f.stdId)
          .where('type', '=', f.type)
          .where('date', '=', f.date)
          .where('related', '=', f.related ?? '')
          .where('derived', '=', 1)
          .execute();
    }
    return inserted;
  }

  /** Inserts many facts at once, skipping those already stored (no per-fact result: for derived facts). */
  async insertFactsBulk(db: Db, facts: (LifecycleEventInput & { derived?: boolean })[], nowIso: string): Promise<void> {
    for (let i = 0; i < facts.length; i += 100) {
      const rows = facts.slice(i, i + 100).map((f) => factRow(f, nowIso));
      await db
        .insertInto('lifecycle_fact')
        .values(rows)
        .onConflict((oc) => oc.columns(['std_id', 'type', 'date', 'related']).doNothing())
        .execute();
    }
  }

  /** Deletes facts (by key); used to drop derived facts a changed record no longer states. */
  async deleteFacts(db: Db, facts: LifecycleFact[]): Promise<void> {
    for (const f of facts)
      await db
        .deleteFrom('lifecycle_fact')
        .where('std_id', '=', f.stdId)
        .where('type', '=', f.type)
        .where('date', '=', f.date)
        .where('related', '=', f.related ?? '')
        .execute();
  }

  /** All facts of some standards, oldest first. */
  async factsOf(db: Db, stdIds: string[]): Promise<LifecycleFact[]> {
    const out: LifecycleFact[] = [];
    for (let i = 0; i < stdIds.length; i += 500) {
      const rows = await db
        .selectFrom('lifecycle_fact')
        .select(['std_id', 'type', 'date', 'related', 'source', 'derived', 'applied_at'])
        .where('std_id', 'in', stdIds.slice(i, i + 500))
        .orderBy('date')
        .orderBy('type')
        .execute();
      out.push(...rows.map(toFact));
    }
    return out;
  }

  /** Facts of other standards naming `stdId` as related (the standards it replaced), oldest first. */
  async factsNaming(db: Db, stdId: string, type: LifecycleEventType): Promise<LifecycleFact[]> {
    const rows = await db
      .selectFrom('lifecycle_fact')
      .select(['std_id', 'type', 'date', 'related', 'source', 'derived', 'applied_at'])
      .where('related', '=', stdId)
      .where('type', '=', type)
      .orderBy('date')
      .execute();
    return rows.map(toFact);
  }

  /** Standards with facts in effect on `day` that the job has not applied yet (at most `limit`). */
  async pendingStandards(db: Db, day: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('lifecycle_fact')
      .select('std_id')
      .distinct()
      .where('applied_at', 'is', null)
      .where('date', '<=', day)
      .orderBy('std_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.std_id);
  }

  /** Marks the facts of some standards in effect on `day` as applied. */
  async markApplied(db: Db, stdIds: string | string[], day: string, nowIso: string): Promise<void> {
    const ids = typeof stdIds === 'string' ? [stdIds] : stdIds;
    for (let i = 0; i < ids.length; i += 500)
      await db
        .updateTable('lifecycle_fact')
        .set({ applied_at: nowIso })
        .where('std_id', 'in', ids.slice(i, i + 500))
        .where('applied_at', 'is', null)
        .where('date', '<=', day)
        .execute();
  }

  /** Body and stored status of some standards. */
  async rows(db: Db, stdIds: string[]): Promise<Map<string, { body: string; status: string }>> {
    const out = new Map<string, { body: string; status: string }>();
    for (let i = 0; i < stdIds.length; i += 500) {
      const rows = await db.selectFrom('standard').select(['id', 'body', 'status']).where('id', 'in', stdIds.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.id, { body: r.body, status: r.status });
    }
    return out;
  }

  /** The status the source gave each standard (kept before the engine first changes it). */
  async sourceStatuses(db: Db, stdIds: string[]): Promise<Map<string, { status: string; statusSource: string | null }>> {
    const out = new Map<string, { status: string; statusSource: string | null }>();
    for (let i = 0; i < stdIds.length; i += 500) {
      const rows = await db.selectFrom('lifecycle_source').selectAll().where('std_id', 'in', stdIds.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.std_id, { status: r.status, statusSource: r.status_source });
    }
    return out;
  }

  /** Remembers the source's status of a record (as the importer or an editor wrote it). */
  async putSourceStatus(db: Db, stdId: string, status: string, statusSource: string | null, nowIso: string): Promise<void> {
    await db
      .insertInto('lifecycle_source')
      .values({ std_id: stdId, status, status_source: statusSource, updated_at: nowIso })
      .onConflict((oc) => oc.column('std_id').doUpdateSet({ status, status_source: statusSource, updated_at: nowIso }))
      .execute();
  }

  /** Records (JSON read model) of some standards. */
  async records(db: Db, stdIds: string[]): Promise<Map<string, StandardRecord>> {
    const out = new Map<string, StandardRecord>();
    for (let i = 0; i < stdIds.length; i += 500) {
      const rows = await db.selectFrom('standard').select(['id', 'record']).where('id', 'in', stdIds.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.id, JSON.parse(r.record) as StandardRecord);
    }
    return out;
  }

  /**
   * Replacement edges touching some standards, resolved to ids: from their own 'replaces'/'replacedBy' relations and
   * from other records' relations that name them. Unresolved targets (not in the catalogue) are left out.
   */
  async replacementEdges(db: Db, stdIds: string[]): Promise<{ pred: string; succ: string }[]> {
    const edges: { pred: string; succ: string }[] = [];
    const types = ['replaces', 'replacedBy'];
    for (let i = 0; i < stdIds.length; i += 400) {
      const ids = stdIds.slice(i, i + 400);
      const own = await db.selectFrom('relation').select(['std_id', 'type', 'target_norm']).where('std_id', 'in', ids).where('type', 'in', types).execute();
      const norms = await db.selectFrom('identifier').select(['std_id', 'norm']).where('std_id', 'in', ids).execute();
      const normList = [...new Set(norms.map((n) => n.norm))];
      const incoming: { std_id: string; type: string; target_norm: string }[] = [];
      for (let j = 0; j < normList.length; j += 400)
        incoming.push(
          ...(await db
            .selectFrom('relation')
            .select(['std_id', 'type', 'target_norm'])
            .where('target_norm', 'in', normList.slice(j, j + 400))
            .where('type', 'in', types)
            .execute()),
        );
      const wanted = [...new Set([...own.map((o) => o.target_norm), ...incoming.map((o) => o.target_norm)])];
      const resolved = new Map<string, string>();
      for (let j = 0; j < wanted.length; j += 400) {
        const rows = await db
          .selectFrom('identifier')
          .select(['norm', 'std_id', 'is_primary'])
          .where('norm', 'in', wanted.slice(j, j + 400))
          .orderBy('is_primary', 'desc')
          .execute();
        for (const r of rows) if (!resolved.has(r.norm)) resolved.set(r.norm, r.std_id);
      }
      for (const r of [...own, ...incoming]) {
        const target = resolved.get(r.target_norm);
        if (!target || target === r.std_id) continue;
        edges.push(r.type === 'replaces' ? { pred: target, succ: r.std_id } : { pred: r.std_id, succ: target });
      }
    }
    const seen = new Set<string>();
    return edges.filter((e) => {
      const k = `${e.pred}\u0000${e.succ}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  /** Events of standards after an event id (created / updated / deleted), oldest first: the derivation cursor's feed. */
  async standardEventsAfter(db: Db, afterId: number, limit: number): Promise<{ id: number; objectId: string; verb: string; before: string | null; after: string | null }[]> {
    const rows = await db
      .selectFrom('event')
      .select(['id', 'object_id', 'verb', 'before', 'after'])
      .where('object_type', '=', 'standard')
      .where('verb', 'in', ['standard.created', 'standard.updated', 'standard.deleted'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), objectId: r.object_id, verb: r.verb, before: r.before, after: r.after }));
  }

  /** The latest record event of a standard the derivation cursor has not reached yet (its facts may be stale). */
  async latestEventSince(db: Db, stdId: string, afterId: number): Promise<{ verb: string; before: string | null; after: string | null } | null> {
    const r = await db
      .selectFrom('event')
      .select(['verb', 'before', 'after'])
      .where('object_type', '=', 'standard')
      .where('object_id', '=', stdId)
      .where('verb', 'in', ['standard.created', 'standard.updated', 'standard.deleted'])
      .where('id', '>', afterId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ?? null;
  }

  /** A value of the meta table (key/value), e.g. the derivation cursor. */
  async getMeta(db: Db, key: string): Promise<string | null> {
    const r = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  async setMeta(db: Db, key: string, value: string): Promise<void> {
    await db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /**
   * Sets a standard's status inside the caller's transaction: the row, the record's JSON read model, the search
   * index (the catalogue's own indexers) and one 'standard.status_changed' event naming the cause fact. The content
   * hash is left as the source record's, so re-importing an unchanged source stays 'unchanged' and keeps the
   * computed status. Returns false when the standard is missing or already has that status.
   */
  async setStatus(
    trx: Transaction<Database>,
    stdId: string,
    status: string,
    cause: { fact: LifecycleFact | null; effective: string | null; basis: string },
    actor: string,
    nowIso: string,
  ): Promise<boolean> {
    const row = await trx.selectFrom('standard').select(['record', 'status', 'status_source']).where('id', '=', stdId).executeTakeFirst();
    if (!row || row.status === status) return false;
    const known = await trx.selectFrom('lifecycle_source').select('std_id').where('std_id', '=', stdId).executeTakeFirst();
    if (!known) await this.putSourceStatus(trx, stdId, row.status, row.status_source, nowIso);
    const record = JSON.parse(row.record) as StandardRecord;
    record.status = status;
    await trx.updateTable('standard').set({ status, record: canonicalJson(record), updated_at: nowIso }).where('id', '=', stdId).execute();
    for (const ix of this.indexers) await ix.index(trx, record);
    const f = cause.fact;
    await trx
      .insertInto('event')
      .values({
        at: nowIso,
        actor,
        verb: 'standard.status_changed',
        object_type: 'standard',
        object_id: stdId,
        before: JSON.stringify({ status: row.status }),
        after: JSON.stringify({
          status,
          effective: cause.effective,
          basis: cause.basis,
          cause: f ? { type: f.type, date: f.date, related: f.related, source: f.source } : null,
        }),
      })
      .execute();
    return true;
  }
}
