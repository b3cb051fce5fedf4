import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../../kernel/clock.js';
import type { Database } from '../../db/schema.js';
import { parseIdentifier } from '../identifier.js';
import { dateOf, primaryIdentifier, type StandardRecord } from '../model.js';
import { canonicalJson, dateSortKey, hashJson, identifierFamily, identifierNorm } from '../normalise.js';
import type {
  CatalogueStats,
  CatalogueStore,
  RecordIndexer,
  ResolvedRelation,
  StandardSummary,
  UpsertOutcome,
} from '../ports.js';
import { inverseRelation } from '../vocabularies.js';


/**
 * The catalogue store on Kysely: dialect-neutral SQL, so the SQLite default and the PostgreSQL adapter share it.
 * The full record is kept as JSON (read model) beside normalised child tables (query model).
 */
export class KyselyCatalogueStore implements CatalogueStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly indexers: RecordIndexer[] = [],
  ) {}

  async upsert(record: StandardRecord, ctx: { actor: string }): Promise<UpsertOutcome> {
    const json = canonicalJson(record);
    return this.db.transaction().execute((tx) => this.write(tx, record, ctx, hashJson(json), json));
  }

  async upsertMany(records: StandardRecord[], ctx: { actor: string }): Promise<(UpsertOutcome | { error: Error })[]> {
    if (!records.length) return [];
    const jsons = records.map((r) => canonicalJson(r));
    const hashes = jsons.map(hashJson);
    // Skip records whose stored hash is identical before opening a write transaction (re-imports are mostly that).
    const stored = new Map<string, string>();
    for (let i = 0; i < records.length; i += 500) {
      const rows = await this.db
        .selectFrom('standard')
        .select(['id', 'content_hash'])
        .where('id', 'in', records.slice(i, i + 500).map((r) => r.id))
        .execute();
      for (const r of rows) stored.set(r.id, r.content_hash);
    }
    const results: (UpsertOutcome | { error: Error })[] = records.map((r, i) => (stored.get(r.id) === hashes[i] ? 'unchanged' : 'created'));
    if (results.every((r) => r === 'unchanged')) return results;
    const trx = await this.db.startTransaction().execute();
    try {
      for (let i = 0; i < records.length; i++) {
        if (results[i] === 'unchanged') continue;
        // Each record is atomic inside the batch: a savepoint rolls back a failing record alone.
        const sp = await trx.savepoint('rec').execute();
        try {
          results[i] = await this.write(sp, records[i], ctx, hashes[i], jsons[i]);
          await sp.releaseSavepoint('rec').execute();
        } catch (e) {
          await sp.rollbackToSavepoint('rec').execute();
          await sp.releaseSavepoint('rec').execute();
          results[i] = { error: e as Error };
        }
      }
      await trx.commit().execute();
    } catch (e) {
      await trx.rollback().execute().catch(() => undefined);
      throw e;
    }
    return results;
  }

  /** Writes one record inside an open transaction; compares the content hash first (idempotence). */
  private async write(tx: Transaction<Database>, record: StandardRecord, ctx: { actor: string }, hash: string, json: string): Promise<UpsertOutcome> {
    {
      const existing = await tx
        .selectFrom('standard')
        .select(['content_hash', 'record', 'created_at'])
        .where('id', '=', record.id)
        .executeTakeFirst();
      if (existing && existing.content_hash === hash) return 'unchanged';
      const now = this.clock.now().toISOString();
      if (existing) await this.deleteChildren(tx, record.id);
      const primary = primaryIdentifier(record);
      const parsed = parseIdentifier(primary.value);
      const row = {
        id: record.id,
        number: primary.value,
        family: (parsed?.familyKey ?? primary.value).toUpperCase(),
        body: record.body,
        doc_type: record.docType,
        nature: record.nature ?? null,
        status: record.status,
        status_source: record.statusSource ?? null,
        stage: record.stage ?? null,
        edition: record.edition ?? null,
        year: record.year ?? parsed?.year ?? null,
        committee: record.committee ?? null,
        date_key: dateSortKey(dateOf(record, 'issued') ?? dateOf(record, 'published') ?? (record.year ? String(record.year) : undefined)),
        record: json,
        content_hash: hash,
        source_importer: record.source.importer,
        source_ref: record.source.ref,
        updated_at: now,
      };
      if (existing) await tx.updateTable('standard').set(row).where('id', '=', record.id).execute();
      else await tx.insertInto('standard').values({ ...row, created_at: now }).execute();
      await this.insertChildren(tx, record);
      for (const ix of this.indexers) await ix.index(tx, record);
      await tx
        .insertInto('event')
        .values({
          at: now,
          actor: ctx.actor,
          verb: existing ? 'standard.updated' : 'standard.created',
          object_type: 'standard',
          object_id: record.id,
          before: existing ? existing.record : null,
          after: row.record,
        })
        .execute();
      return existing ? 'updated' : 'created';
    }
  }

  async remove(id: string, ctx: { actor: string }): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('standard').select('record').where('id', '=', id).executeTakeFirst();
      if (!existing) return false;
      await this.deleteChildren(tx, id);
      for (const ix of this.indexers) await ix.remove(tx, id);
      await tx.deleteFrom('standard').where('id', '=', id).execute();
      await tx
        .insertInto('event')
        .values({
          at: this.clock.now().toISOString(),
          actor: ctx.actor,
          verb: 'standard.deleted',
          object_type: 'standard',
          object_id: id,
          before: existing.record,
          after: null,
        })
        .execute();
      return true;
    });
  }

  private async deleteChildren(tx: Transaction<Database>, id: string): Promise<void> {
    for (const t of ['identifier', 'title', 'std_date', 'classification', 'relation', 'contributor'] as const) {
      await tx.deleteFrom(t).where('std_id', '=', id).execute();
    }
  }

  private async insertChildren(tx: Transaction<Database>, r: StandardRecord): Promise<void> {
    const std_id = r.id;
    const primary = primaryIdentifier(r);
    const ids = r.identifiers.map((i) => ({
      std_id,
      type: i.type,
      value: i.value,
      norm: identifierNorm(i.value),
      family: identifierFamily(i.value),
      is_primary: i === primary ? 1 : 0,
    }));
    // The slug is an identifier too, so /std/<slug> and API lookups by id resolve through one index.
    ids.push({ std_id, type: 'slug', value: r.id, norm: r.id.toUpperCase(), family: null, is_primary: 0 });
    await tx.insertInto('identifier').values(ids).execute();
    if (r.titles.length) await tx.insertInto('title').values(r.titles.map((t) => ({ std_id, ...t }))).execute();
    if (r.dates.length) await tx.insertInto('std_date').values(r.dates.map((d) => ({ std_id, ...d }))).execute();
    if (r.classifications.length)
      await tx.insertInto('classification').values(r.classifications.map((c) => ({ std_id, ...c }))).execute();
    if (r.relations.length)
      await tx
        .insertInto('relation')
        .values(
          r.relations.map((x) => ({
            std_id,
            type: x.type,
            target: x.target,
            target_norm: identifierNorm(x.target),
            target_family: identifierFamily(x.target),
            degree: x.degree ?? null,
            note: x.note ?? null,
          })),
        )
        .execute();
    if (r.contributors.length)
      await tx
        .insertInto('contributor')
        .values(
          r.contributors.map((c) => ({
            std_id,
            role: c.role,
            name: c.name,
            abbreviation: c.abbreviation ?? null,
            lang: c.lang ?? null,
          })),
        )
        .execute();
  }

  async get(id: string): Promise<StandardRecord | null> {
    const row = await this.db.selectFrom('standard').select('record').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.record) as StandardRecord) : null;
  }

  async resolve(text: string): Promise<StandardRecord | null> {
    const input = text.trim().slice(0, 200);
    if (!input) return null;
    const direct = await this.get(input);
    if (direct) return direct;
    const norm = identifierNorm(input);
    const byNorm = await this.db
      .selectFrom('identifier')
      .select('std_id')
      .where('norm', 'in', [norm, input.toUpperCase()])
      .orderBy('is_primary', 'desc')
      .executeTakeFirst();
    if (byNorm) return this.get(byNorm.std_id);
    const parsed = parseIdentifier(input);
    if (!parsed || parsed.year !== undefined) return null;
    // A number without a year resolves to the edition in force; else one released but not yet in force; else the
    // newest edition.
    const family = parsed.familyKey.toUpperCase();
    const best = await this.db
      .selectFrom('standard')
      .select('id')
      .where('family', '=', family)
      .orderBy(sql`case status when 'current' then 0 when 'to-be-implemented' then 1 else 2 end`)
      .orderBy('year', 'desc')
      .orderBy('date_key', 'desc')
      .executeTakeFirst();
    return best ? this.get(best.id) : null;
  }

  async editions(family: string): Promise<StandardSummary[]> {
    const rows = await this.db
      .selectFrom('standard')
      .select('id')
      .where('family', '=', family.toUpperCase())
      .orderBy('year', 'desc')
      .orderBy('date_key', 'desc')
      .execute();
    return this.summaries(rows.map((r) => r.id));
  }

  async relations(id: string): Promise<ResolvedRelation[]> {
    const me = await this.db.selectFrom('identifier').select('norm').where('std_id', '=', id).execute();
    const norms = me.map((m) => m.norm);
    const out = await this.db
      .selectFrom('relation')
      .selectAll()
      .where('std_id', '=', id)
      .execute();
    const incoming = norms.length
      ? await this.db
          .selectFrom('relation')
          .innerJoin('standard', 'standard.id', 'relation.std_id')
          .select(['relation.std_id', 'relation.type', 'relation.degree', 'relation.note', 'standard.number'])
          .where('relation.target_norm', 'in', norms)
          .where('relation.std_id', '!=', id)
          .execute()
      : [];
    const targets = [...new Set(out.map((o) => o.target_norm))];
    const resolved = new Map<string, string>();
    if (targets.length) {
      const rows = await this.db
        .selectFrom('identifier')
        .select(['norm', 'std_id', 'is_primary'])
        .where('norm', 'in', targets)
        .orderBy('is_primary', 'desc')
        .execute();
      for (const r of rows) if (!resolved.has(r.norm)) resolved.set(r.norm, r.std_id);
    }
    const result: ResolvedRelation[] = [];
    const seen = new Set<string>();
    const push = (rel: Omit<ResolvedRelation, 'targetStatus' | 'targetTitle'>) => {
      const key = `${rel.type}|${rel.targetId ?? rel.target.toUpperCase()}`;
      if (seen.has(key)) return;
      seen.add(key);
      result.push({ ...rel, targetStatus: null, targetTitle: null });
    };
    for (const o of out)
      push({
        type: o.type,
        direction: 'out',
        target: o.target,
        targetId: resolved.get(o.target_norm) ?? null,
        degree: o.degree,
        note: o.note,
      });
    for (const i of incoming) {
      const inv = inverseRelation(i.type);
      if (!inv) continue;
      push({ type: inv, direction: 'in', target: i.number, targetId: i.std_id, degree: i.degree, note: i.note });
    }
    const linked = [...new Set(result.map((r) => r.targetId).filter((x): x is string => !!x))];
    const sums = new Map((await this.summaries(linked)).map((s) => [s.id, s]));
    for (const r of result) {
      const s = r.targetId ? sums.get(r.targetId) : undefined;
      if (s) {
        r.targetStatus = s.status;
        r.targetTitle = s.titles;
      }
    }
    return result;
  }

  async summaries(ids: string[]): Promise<StandardSummary[]> {
    if (!ids.length) return [];
    const out = new Map<string, StandardSummary>();
    // Chunk to stay below SQLite's bound-parameter limit.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('standard')
        .select(['id', 'number', 'body', 'doc_type', 'nature', 'status', 'year'])
        .where('id', 'in', chunk)
        .execute();
      const titles = await this.db
        .selectFrom('title')
        .select(['std_id', 'lang', 'type', 'text'])
        .where('std_id', 'in', chunk)
        .execute();
      for (const r of rows)
        out.set(r.id, {
          id: r.id,
          number: r.number,
          body: r.body,
          docType: r.doc_type,
          nature: r.nature,
          status: r.status,
          year: r.year,
          titles: {},
        });
      for (const t of titles) {
        const s = out.get(t.std_id);
        if (!s) continue;
        // Prefer the 'main' title of each language; otherwise keep the first seen.
        if (t.type === 'main' || !(t.lang in s.titles)) s.titles[t.lang] = t.text;
      }
    }
    return ids.map((id) => out.get(id)).filter((s): s is StandardSummary => !!s);
  }

  async stats(): Promise<CatalogueStats> {
    const byBodyStatus = await this.db
      .selectFrom('standard')
      .select(['body', 'status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(['body', 'status'])
      .orderBy('body')
      .orderBy('status')
      .execute();
    const byBody = new Map<string, number>();
    const byStatus = new Map<string, number>();
    let total = 0;
    for (const r of byBodyStatus) {
      const c = Number(r.count);
      total += c;
      byBody.set(r.body, (byBody.get(r.body) ?? 0) + c);
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + c);
    }
    return {
      total,
      byBody: [...byBody].map(([body, count]) => ({ body, count })).sort((a, b) => b.count - a.count),
      byStatus: [...byStatus].map(([status, count]) => ({ status, count })).sort((a, b) => b.count - a.count),
      byBodyStatus: byBodyStatus.map((r) => ({ body: r.body, status: r.status, count: Number(r.count) })),
    };
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('standard').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async history(id: string) {
    const rows = await this.db
      .selectFrom('event')
      .select(['at', 'actor', 'verb', 'before', 'after'])
      .where('object_type', '=', 'standard')
      .where('object_id', '=', id)
      // Who opened a restricted text is audit data, never public history (src/reader/disclosure.ts).
      .where('verb', '!=', 'text.accessed')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      verb: r.verb,
      before: r.before ? JSON.parse(r.before) : null,
      after: r.after ? JSON.parse(r.after) : null,
    }));
  }
}
