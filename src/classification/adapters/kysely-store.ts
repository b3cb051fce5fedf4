import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import { dialectOf } from '../../db/dialect.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { ClassificationCode, ClassificationNode, ClassificationStore } from '../ports.js';
import { isDottedScheme, normaliseCode, sameCode } from '../tree.js';

type CodeRow = Database['classification_code'];

/** Deepest tree we walk; ICS has 3 levels, CCS 3. Guards ancestors() against a parent cycle in bad data. */
const MAX_DEPTH = 16;
/** Cached count maps kept at most (one per browsed node; ICS and CCS have about 700 inner nodes together). */
const MAX_CACHED = 2000;

function toCode(r: CodeRow): ClassificationCode {
  let notes: string[] = [];
  if (r.notes) {
    try {
      const parsed: unknown = JSON.parse(r.notes);
      if (Array.isArray(parsed)) notes = parsed.map(String);
    } catch {
      notes = [r.notes];
    }
  }
  return {
    scheme: r.scheme as ClassificationCode['scheme'],
    code: r.code,
    parent: r.parent,
    level: Number(r.level),
    titleEn: r.title_en,
    titleZh: r.title_zh,
    notes,
    sort: Number(r.sort),
  };
}

function toRow(c: ClassificationCode): CodeRow {
  return {
    scheme: c.scheme,
    code: c.code,
    parent: c.parent,
    level: c.level,
    title_en: c.titleEn,
    title_zh: c.titleZh,
    notes: c.notes.length ? JSON.stringify(c.notes) : null,
    sort: c.sort,
  };
}

/**
 * The classification store on Kysely (classification_code table). Counts of standards come from the
 * `classification` child rows of the catalogue: a node counts every distinct standard classified under the node
 * itself or any descendant. Descendants are found with a recursive CTE over `parent` (how CCS encodes its tree:
 * level-2 codes are ranges like 'A00/09' that no level-3 code starts with); for dotted schemes (ICS) a prefix range
 * is added so a standard carrying a code missing from the code list ('13.220.99') still counts under '13.220'.
 *
 * The prefix range compares strings byte-wise ('13.220.' ≤ code < '13.220/'), which is SQLite's default BINARY
 * collation; on PostgreSQL it runs under COLLATE "C".
 *
 * Counting is linear in the classification rows under a node (the top level of ICS over 100k classified
 * standards took 0.3–0.7 s on a busy 2-core machine), so counts are cached per node and keyed by the newest
 * event id: every mutation of a standard or a code records an event (the append-only log), so an unchanged
 * max(event.id) means unchanged counts, and the check is one primary-key lookup.
 */
export class KyselyClassificationStore implements ClassificationStore {
  private readonly countCache = new Map<string, { version: number; counts: Map<string, number> }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async upsert(input: ClassificationCode, ctx: { actor: string }): Promise<'created' | 'updated' | 'unchanged'> {
    const code = normaliseCode(input);
    if (!code.code || code.code.length > 64) throw new AppError('invalid_input', `classification code "${code.code}" is empty or too long`);
    if (!Number.isInteger(code.level) || code.level < 1) throw new AppError('invalid_input', `classification ${code.code}: level must be a positive integer`);
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('classification_code')
        .selectAll()
        .where('scheme', '=', code.scheme)
        .where('code', '=', code.code)
        .executeTakeFirst();
      const before = row ? toCode(row) : null;
      if (before && sameCode(before, code)) return 'unchanged';
      if (before)
        await tx
          .updateTable('classification_code')
          .set(toRow(code))
          .where('scheme', '=', code.scheme)
          .where('code', '=', code.code)
          .execute();
      else await tx.insertInto('classification_code').values(toRow(code)).execute();
      await tx
        .insertInto('event')
        .values({
          at: this.clock.now().toISOString(),
          actor: ctx.actor,
          verb: before ? 'classification.updated' : 'classification.created',
          object_type: 'classification',
          object_id: `${code.scheme}:${code.code}`,
          before: before ? JSON.stringify(before) : null,
          after: JSON.stringify(code),
        })
        .execute();
      return before ? 'updated' : 'created';
    });
  }

  async get(scheme: string, code: string): Promise<ClassificationCode | null> {
    const row = await this.db
      .selectFrom('classification_code')
      .selectAll()
      .where('scheme', '=', scheme)
      .where('code', '=', code)
      .executeTakeFirst();
    return row ? toCode(row) : null;
  }

  async children(scheme: string, parent: string | null): Promise<ClassificationNode[]> {
    const rows = await this.db
      .selectFrom('classification_code')
      .selectAll()
      .where('scheme', '=', scheme)
      .where('parent', parent === null ? 'is' : '=', parent)
      .orderBy('sort')
      .orderBy('code')
      .execute();
    if (!rows.length) return [];
    const counts = await this.counts(scheme, parent);
    const withKids = new Set<string>();
    const codes = rows.map((r) => r.code);
    // Chunked to stay below SQLite's bound-parameter limit (CCS has up to ~100 children per node, ICS fewer).
    for (let i = 0; i < codes.length; i += 500) {
      const found = await this.db
        .selectFrom('classification_code')
        .select('parent')
        .distinct()
        .where('scheme', '=', scheme)
        .where('parent', 'in', codes.slice(i, i + 500))
        .execute();
      for (const f of found) if (f.parent) withKids.add(f.parent);
    }
    return rows.map((r) => ({ ...toCode(r), count: counts.get(r.code) ?? 0, hasChildren: withKids.has(r.code) }));
  }

  /** Distinct standards under each child of `parent` (the child itself and all its descendants), cached. */
  private async counts(scheme: string, parent: string | null): Promise<Map<string, number>> {
    const latest = await this.db.selectFrom('event').select((eb) => eb.fn.max('id').as('v')).executeTakeFirst();
    const version = Number(latest?.v ?? 0);
    const key = `${scheme}\u0000${parent ?? ''}`;
    const hit = this.countCache.get(key);
    if (hit && hit.version === version) return hit.counts;
    const counts = await this.countNow(scheme, parent);
    if (this.countCache.size >= MAX_CACHED) this.countCache.clear();
    this.countCache.set(key, { version, counts });
    return counts;
  }

  private async countNow(scheme: string, parent: string | null): Promise<Map<string, number>> {
    // Byte-wise comparison: SQLite's BINARY default; PostgreSQL's default collation may order '.' and '/' otherwise.
    const byteOrder = dialectOf(this.db) === 'postgres' ? sql`COLLATE "C"` : sql``;
    const parentCond: RawBuilder<unknown> = parent === null ? sql`parent IS NULL` : sql`parent = ${parent}`;
    // Dotted schemes: the node's own code plus the prefix range already covers every descendant, listed or
    // not. Other schemes: the descendants via parent links; UNION (not UNION ALL) ends a parent cycle in bad data.
    const hits = isDottedScheme(scheme)
      ? sql`
          SELECT r.code AS root, cl.std_id AS std_id
          FROM roots r JOIN classification cl ON cl.scheme = ${scheme} AND cl.code = r.code
          UNION ALL
          SELECT r.code AS root, cl.std_id AS std_id
          FROM roots r JOIN classification cl
            ON cl.scheme = ${scheme} AND cl.code ${byteOrder} >= r.code || '.' AND cl.code ${byteOrder} < r.code || '/'`
      : sql`
          SELECT d.root AS root, cl.std_id AS std_id
          FROM d JOIN classification cl ON cl.scheme = ${scheme} AND cl.code = d.code`;
    const descendants = isDottedScheme(scheme)
      ? sql``
      : sql`,
        d(root, code) AS (
          SELECT code, code FROM roots
          UNION
          SELECT d.root, c.code FROM classification_code c JOIN d ON c.scheme = ${scheme} AND c.parent = d.code
        )`;
    const result = await sql<{ root: string; n: number | string }>`
      WITH RECURSIVE
        roots(code) AS (SELECT code FROM classification_code WHERE scheme = ${scheme} AND ${parentCond})${descendants}
      SELECT root, COUNT(DISTINCT std_id) AS n FROM (${hits}) hits
      GROUP BY root`.execute(this.db);
    return new Map(result.rows.map((r) => [r.root, Number(r.n)]));
  }

  async ancestors(scheme: string, code: string): Promise<ClassificationCode[]> {
    const chain: ClassificationCode[] = [];
    const seen = new Set<string>();
    let current: string | null = code;
    while (current !== null && chain.length < MAX_DEPTH && !seen.has(current)) {
      seen.add(current);
      const node = await this.get(scheme, current);
      if (!node) break;
      chain.unshift(node);
      current = node.parent;
    }
    return chain;
  }

  async count(scheme: string): Promise<number> {
    const r = await this.db
      .selectFrom('classification_code')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('scheme', '=', scheme)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
