import type { Kysely, Selectable, Transaction } from 'kysely';
import { writeEvent } from '../../db/events.js';
import type { Database } from '../../db/schema.js';
import type { StandardRecord } from '../../catalogue/model.js';
import { canonicalJson, hashJson, identifierFamily, identifierNorm } from '../../catalogue/normalise.js';
import { AppError } from '../../kernel/errors.js';
import type { Bulletin, BulletinHeaderInput, BulletinItem, BulletinWithItems, IssuingBody, ItemKind, StdRef } from '../model.js';
import type { BulletinPage, BulletinQuery, BulletinStore, ItemCounts, PublishStep, RelationToAdd, StandardMention } from '../ports.js';
import type { BulletinItemTable, BulletinTable } from '../tables.js';

type Tx = Transaction<Database>;

/** True for a unique-constraint violation on SQLite or PostgreSQL. */
function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === '23505';
}

function numberTaken(): AppError {
  return new AppError('conflict', 'This publisher already has a bulletin with this year and number', { field: 'number' });
}

function toBulletin(r: Selectable<BulletinTable>): Bulletin {
  return {
    id: r.id,
    publisher: r.publisher,
    number: Number(r.number),
    year: Number(r.year),
    date: r.date,
    issuingBodies: JSON.parse(r.issuing_bodies) as IssuingBody[],
    title: { zh: r.title_zh, en: r.title_en },
    state: r.state === 'published' ? 'published' : 'draft',
    publishedAt: r.published_at,
    version: Number(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
  };
}

function toItem(r: Selectable<BulletinItemTable>): BulletinItem {
  return {
    seq: Number(r.seq),
    kind: r.kind as ItemKind,
    std: { id: r.std_id, number: r.std_number },
    replaces: JSON.parse(r.replaces) as StdRef[],
    releaseDate: r.release_date,
    implementationDate: r.implementation_date,
    abolitionDate: r.abolition_date,
    note: r.note,
  };
}

/** The bulletin store on Kysely (dialect-neutral: SQLite by default, PostgreSQL through the same code). */
export class KyselyBulletinStore implements BulletinStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(b: Bulletin, actor: string): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('bulletin')
          .values({
            id: b.id,
            publisher: b.publisher,
            number: b.number,
            year: b.year,
            date: b.date,
            issuing_bodies: JSON.stringify(b.issuingBodies),
            title_zh: b.title.zh,
            title_en: b.title.en,
            state: 'draft',
            published_at: null,
            version: b.version,
            created_at: b.createdAt,
            updated_at: b.updatedAt,
            created_by: b.createdBy,
          })
          .execute();
        await writeEvent(tx, { at: b.createdAt, actor, verb: 'bulletin.created', type: 'bulletin', id: b.id, after: b });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw numberTaken();
      throw e;
    }
  }

  /** Loads a draft inside a transaction and checks its version; the caller then writes. */
  private async lockDraft(tx: Kysely<Database>, id: string, version: number | null): Promise<Bulletin> {
    const row = await tx.selectFrom('bulletin').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'No such bulletin');
    if (row.state !== 'draft') throw new AppError('invalid_transition', 'A published bulletin cannot be changed');
    if (version !== null && Number(row.version) !== version)
      throw new AppError('conflict', 'The bulletin was changed by someone else; reload it', { version: Number(row.version) });
    return toBulletin(row);
  }

  /** Increments the version only if it is still the one read (a concurrent writer makes this a conflict). */
  private async bump(tx: Kysely<Database>, b: Bulletin, now: string, set: Partial<Selectable<BulletinTable>> = {}): Promise<void> {
    const r = await tx
      .updateTable('bulletin')
      .set({ ...set, version: b.version + 1, updated_at: now })
      .where('id', '=', b.id)
      .where('version', '=', b.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('conflict', 'The bulletin was changed by someone else; reload it');
  }

  async updateHeader(id: string, version: number, h: BulletinHeaderInput, actor: string, now: string): Promise<Bulletin> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const before = await this.lockDraft(tx, id, version);
        await this.bump(tx, before, now, {
          publisher: h.publisher,
          number: h.number,
          year: h.year,
          date: h.date,
          issuing_bodies: JSON.stringify(h.issuingBodies),
          title_zh: h.titleZh ?? null,
          title_en: h.titleEn ?? null,
        });
        const after = toBulletin(await tx.selectFrom('bulletin').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
        await writeEvent(tx, { at: now, actor, verb: 'bulletin.updated', type: 'bulletin', id, before, after });
        return after;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw numberTaken();
      throw e;
    }
  }

  private async withItems(row: Selectable<BulletinTable> | undefined): Promise<BulletinWithItems | null> {
    if (!row) return null;
    const items = await this.db.selectFrom('bulletin_item').selectAll().where('bulletin_id', '=', row.id).orderBy('seq').execute();
    return { ...toBulletin(row), items: items.map(toItem) };
  }

  async get(id: string): Promise<BulletinWithItems | null> {
    return this.withItems(await this.db.selectFrom('bulletin').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async getByNumber(publisher: string, year: number, number: number): Promise<BulletinWithItems | null> {
    return this.withItems(
      await this.db
        .selectFrom('bulletin')
        .selectAll()
        .where('publisher', '=', publisher)
        .where('year', '=', year)
        .where('number', '=', number)
        .executeTakeFirst(),
    );
  }

  async list(q: BulletinQuery): Promise<BulletinPage> {
    if (Array.isArray(q.publishers) && q.publishers.length === 0) return { total: 0, items: [] };
    let base = this.db.selectFrom('bulletin').where('state', '=', q.state);
    if (q.publishers !== 'all') base = base.where('publisher', 'in', q.publishers);
    if (q.year !== undefined) base = base.where('year', '=', q.year);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('year', 'desc')
      .orderBy('date', 'desc')
      .orderBy('number', 'desc')
      .orderBy('publisher')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { total: Number(total.n), items: rows.map(toBulletin) };
  }

  async itemCounts(ids: string[]): Promise<Map<string, ItemCounts>> {
    const out = new Map<string, ItemCounts>(ids.map((id) => [id, { new: 0, revision: 0, abolition: 0 }]));
    if (!ids.length) return out;
    const rows = await this.db
      .selectFrom('bulletin_item')
      .select(['bulletin_id', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('bulletin_id', 'in', ids)
      .groupBy(['bulletin_id', 'kind'])
      .execute();
    for (const r of rows) {
      const c = out.get(r.bulletin_id);
      if (c && (r.kind === 'new' || r.kind === 'revision' || r.kind === 'abolition')) c[r.kind] = Number(r.n);
    }
    return out;
  }

  async publishedYears(): Promise<{ year: number; count: number }[]> {
    const rows = await this.db
      .selectFrom('bulletin')
      .select(['year', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'published')
      .groupBy('year')
      .orderBy('year', 'desc')
      .execute();
    return rows.map((r) => ({ year: Number(r.year), count: Number(r.n) }));
  }

  async addItems(id: string, items: Omit<BulletinItem, 'seq'>[], actor: string, now: string): Promise<BulletinItem[]> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const b = await this.lockDraft(tx, id, null);
        const max = await tx
          .selectFrom('bulletin_item')
          .select((eb) => eb.fn.max('seq').as('m'))
          .where('bulletin_id', '=', id)
          .executeTakeFirst();
        let seq = Number(max?.m ?? 0);
        const added = items.map((it) => ({ ...it, seq: ++seq }));
        // Chunked: SQLite binds at most 32766 parameters per statement; 11 columns × 500 rows stays well below.
        for (let i = 0; i < added.length; i += 500)
          await tx
            .insertInto('bulletin_item')
            .values(
              added.slice(i, i + 500).map((it) => ({
                bulletin_id: id,
                seq: it.seq,
                kind: it.kind,
                std_id: it.std.id,
                std_number: it.std.number,
                replaces: JSON.stringify(it.replaces),
                release_date: it.releaseDate,
                implementation_date: it.implementationDate,
                abolition_date: it.abolitionDate,
                note: it.note,
              })),
            )
            .execute();
        await this.bump(tx, b, now);
        await writeEvent(tx, {
          at: now,
          actor,
          verb: 'bulletin.items_added',
          type: 'bulletin',
          id,
          after: { count: added.length, items: added.map((a) => ({ seq: a.seq, kind: a.kind, std: a.std.id })) },
        });
        return added;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', 'A standard may appear only once in a bulletin');
      throw e;
    }
  }

  async removeItem(id: string, seq: number, actor: string, now: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const b = await this.lockDraft(tx, id, null);
      const item = await tx.selectFrom('bulletin_item').selectAll().where('bulletin_id', '=', id).where('seq', '=', seq).executeTakeFirst();
      if (!item) return false;
      await tx.deleteFrom('bulletin_item').where('bulletin_id', '=', id).where('seq', '=', seq).execute();
      await this.bump(tx, b, now);
      await writeEvent(tx, { at: now, actor, verb: 'bulletin.item_removed', type: 'bulletin', id, before: toItem(item) });
      return true;
    });
  }

  async deleteDraft(id: string, actor: string, now: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('bulletin').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return false;
      if (row.state !== 'draft') throw new AppError('invalid_transition', 'A published bulletin cannot be deleted');
      await tx.deleteFrom('bulletin_item').where('bulletin_id', '=', id).execute();
      await tx.deleteFrom('bulletin').where('id', '=', id).execute();
      await writeEvent(tx, { at: now, actor, verb: 'bulletin.deleted', type: 'bulletin', id, before: toBulletin(row) });
      return true;
    });
  }

  async mentions(stdId: string): Promise<StandardMention[]> {
    const direct = await this.db
      .selectFrom('bulletin_item')
      .innerJoin('bulletin', 'bulletin.id', 'bulletin_item.bulletin_id')
      .selectAll('bulletin_item')
      .where('bulletin_item.std_id', '=', stdId)
      .where('bulletin.state', '=', 'published')
      .execute();
    // Predecessors are kept as JSON on the revision's line; the quoted id inside it finds them (ids are slugs,
    // so they hold no quote or backslash that JSON would escape differently).
    const asPredecessor = await this.db
      .selectFrom('bulletin_item')
      .innerJoin('bulletin', 'bulletin.id', 'bulletin_item.bulletin_id')
      .selectAll('bulletin_item')
      .where('bulletin_item.kind', '=', 'revision')
      .where('bulletin_item.replaces', 'like', `%"id":${JSON.stringify(stdId)}%`)
      .where('bulletin.state', '=', 'published')
      .execute();
    const ids = [...new Set([...direct, ...asPredecessor].map((r) => r.bulletin_id))];
    if (!ids.length) return [];
    const bs = new Map(
      (await this.db.selectFrom('bulletin').selectAll().where('id', 'in', ids).execute()).map((r) => [r.id, toBulletin(r)]),
    );
    const out: StandardMention[] = [
      ...direct.map((r) => ({ bulletin: bs.get(r.bulletin_id)!, item: toItem(r), role: r.kind === 'abolition' ? ('abolished' as const) : ('announced' as const) })),
      ...asPredecessor
        .map((r) => ({ bulletin: bs.get(r.bulletin_id)!, item: toItem(r), role: 'replaced' as const }))
        .filter((m) => m.item.replaces.some((p) => p.id === stdId)),
    ];
    return out.sort((a, b) => b.bulletin.date.localeCompare(a.bulletin.date) || b.bulletin.number - a.bulletin.number);
  }

  async publish(
    id: string,
    version: number,
    steps: PublishStep[],
    ctx: { actor: string; now: string; onStep(tx: unknown, step: PublishStep, index: number): Promise<void> },
  ): Promise<Bulletin> {
    return this.db.transaction().execute(async (tx) => {
      const b = await this.lockDraft(tx, id, version);
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        for (const rel of step.relations) await this.addRelation(tx, rel, ctx.actor, ctx.now);
        for (const ev of step.events)
          await writeEvent(tx, { at: ctx.now, actor: ctx.actor, verb: ev.verb, type: 'standard', id: ev.stdId, after: ev.after });
        await ctx.onStep(tx, step, i);
      }
      await this.bump(tx, b, ctx.now, { state: 'published', published_at: ctx.now });
      const after = toBulletin(await tx.selectFrom('bulletin').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      await writeEvent(tx, {
        at: ctx.now,
        actor: ctx.actor,
        verb: 'bulletin.published',
        type: 'bulletin',
        id,
        before: { state: 'draft' },
        after: { ...after, items: steps.length },
      });
      return after;
    });
  }

  /**
   * Adds a replaces/replacedBy relation to a catalogue record unless the record already states it: the record's
   * JSON (read model), its relation row (query model) and content hash change together, with a 'standard.updated'
   * event (the publication's 'standard.announced' event that follows names the bulletin). Written here rather than through CatalogueStore.upsert because it must
   * join the publication's transaction.
   */
  private async addRelation(tx: Tx, rel: RelationToAdd, actor: string, now: string): Promise<void> {
    const row = await tx.selectFrom('standard').select(['record']).where('id', '=', rel.stdId).executeTakeFirst();
    if (!row) throw new AppError('invalid_input', `Standard ${rel.stdId} no longer exists`, { stdId: rel.stdId });
    const record = JSON.parse(row.record) as StandardRecord;
    const norm = identifierNorm(rel.target);
    if (record.relations.some((r) => r.type === rel.type && identifierNorm(r.target) === norm)) return;
    const before = row.record;
    record.relations = [...record.relations, { type: rel.type, target: rel.target }];
    const json = canonicalJson(record);
    await tx.updateTable('standard').set({ record: json, content_hash: hashJson(json), updated_at: now }).where('id', '=', rel.stdId).execute();
    await tx
      .insertInto('relation')
      .values({ std_id: rel.stdId, type: rel.type, target: rel.target, target_norm: norm, target_family: identifierFamily(rel.target), degree: null, note: null })
      .execute();
    await writeEvent(tx, {
      at: now,
      actor,
      verb: 'standard.updated',
      type: 'standard',
      id: rel.stdId,
      before: JSON.parse(before),
      after: JSON.parse(json),
    });
  }
}
