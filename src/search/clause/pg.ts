import { sql, type Kysely, type RawBuilder } from 'kysely';
import { looksLikeIdentifier } from '../../catalogue/identifier.js';
import type { ContentDocument } from '../../content/model.js';
import type { ContentIndexer, StoredSection } from '../../content/ports.js';
import { PgDocTable, PgPageReader } from '../adapters/pg-docs.js';
import { planTsquery } from '../adapters/pg.js';
import { ftsText } from '../adapters/pg-indexer.js';
import { cleanFilters, selectAndCount } from '../facets.js';
import { highlight } from '../highlight.js';
import { FACET_NAMES, type CatalogueSearch, type FacetName, type FacetValue, type SearchHit } from '../ports.js';
import { boundedQueryText, planTextQuery } from '../query.js';
import { segmentForIndex } from '../segment.js';
import { clausePermalink, HITS_PER_STANDARD, MAX_CANDIDATES, MAX_PAGE_SIZE } from './engine.js';
import { CLAUSE_ROWID_SPAN, clauseRowid, docIdOfRowid } from './indexer.js';
import type { ClauseGroup, ClauseHit, ClauseQuery, ClauseSearch, ClauseSearchResult } from './ports.js';
import { clauseSnippet } from './snippet.js';
import { hiddenStandards, NON_PUBLIC_TEXTS_SQL, type NonPublicText } from './access.js';

/**
 * Clause search on PostgreSQL: the SQLite design (engine.ts, indexer.ts) with a tsvector in place of FTS5.
 *
 * Table (migration 005 on PostgreSQL): clause_row(rowid BIGINT = content_doc.id × 2^20 + section order, doc_id,
 * anchor, tsv, tsv_title). tsv holds the section's segmented title and own text, tsv_title the title alone, each
 * a `simple` tsvector of the tokens as FTS5 indexes them (Porter stems, the catalogue's scheme: pg-indexer.ts);
 * GIN indexes on both. ON DELETE
 * CASCADE from content_doc removes a text's rows with it (no FTS shadow table to keep in step, so no trigger).
 *
 * Ranking is the SQLite engine's, from match sets only (title match 2, text match 1; a standard by its best clause
 * plus log2(1 + matching clauses); ties to the newest document), over the same capped candidate list (the newest
 * MAX_CANDIDATES matching clauses by rowid), so both databases give the same groups in the same order.
 */

const MAX_INDEXED_CHARS = 200_000;
const CHUNK = 200;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE = 400;

type Executor = Kysely<any>;

/** Creates the clause table (migration 005's PostgreSQL branch). */
export async function createPgClauseTables(db: Executor): Promise<void> {
  await sql`CREATE TABLE clause_row (
    rowid BIGINT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES content_doc(id) ON DELETE CASCADE,
    anchor TEXT NOT NULL,
    tsv TSVECTOR NOT NULL,
    tsv_title TSVECTOR NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX clause_row_doc ON clause_row (doc_id)`.execute(db);
  await sql`CREATE INDEX clause_row_tsv ON clause_row USING gin (tsv)`.execute(db);
  await sql`CREATE INDEX clause_row_tsv_title ON clause_row USING gin (tsv_title)`.execute(db);
}

const vec = (segmented: string): RawBuilder<unknown> => sql`to_tsvector('simple', ${ftsText(segmented)}::text)`;

/** Indexes the sections of one document (rows for that document must not exist yet). */
export async function writePgClauseRows(db: Executor, docId: number, sections: readonly Pick<StoredSection, 'anchor' | 'title' | 'text' | 'ord'>[]): Promise<void> {
  const rows = sections
    .filter((s) => s.ord >= 0 && s.ord < CLAUSE_ROWID_SPAN)
    .map((s) => ({
      rowid: clauseRowid(docId, s.ord),
      anchor: s.anchor,
      title: segmentForIndex(s.title),
      text: segmentForIndex(s.text.length > MAX_INDEXED_CHARS ? s.text.slice(0, MAX_INDEXED_CHARS) : s.text),
    }))
    .filter((r) => r.title || r.text);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await sql`INSERT INTO clause_row (rowid, doc_id, anchor, tsv, tsv_title) VALUES ${sql.join(
      part.map((r) => sql`(${r.rowid}, ${docId}, ${r.anchor}, ${vec(`${r.title} ${r.text}`)}, ${vec(r.title)})`),
    )}`.execute(db);
  }
}

/** The content store's indexer for clause search on PostgreSQL (runs in the store's put() transaction). */
export class ClausePgIndexer implements ContentIndexer {
  async index(tx: unknown, docId: number, _doc: ContentDocument, sections: StoredSection[]): Promise<void> {
    await sql`DELETE FROM clause_row WHERE doc_id = ${docId}`.execute(tx as Executor);
    await writePgClauseRows(tx as Executor, docId, sections);
  }

  async remove(tx: unknown, docId: number): Promise<void> {
    await sql`DELETE FROM clause_row WHERE doc_id = ${docId}`.execute(tx as Executor);
  }
}

function emptyFacets(): Record<FacetName, FacetValue[]> {
  return Object.fromEntries(FACET_NAMES.map((n) => [n, []])) as unknown as Record<FacetName, FacetValue[]>;
}

function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

/** The clause engine on PostgreSQL (steps as in engine.ts). */
export class PgClauseEngine {
  private readonly docs: PgDocTable;
  private readonly page: PgPageReader;

  constructor(private readonly db: Executor) {
    this.docs = new PgDocTable(db);
    this.page = new PgPageReader(db);
  }

  async search(input: ClauseQuery): Promise<Omit<ClauseSearchResult, 'catalogue'>> {
    const docs = await this.docs.refresh();
    const q = boundedQueryText(input?.q).trim();
    const filters = cleanFilters(input?.filters);
    const pageSize = clampInt(input?.pageSize, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const page = clampInt(input?.page, 1, MAX_PAGE, 1);
    const plan = q ? planTextQuery(q) : { terms: [], all: null, any: null };
    const empty = { total: 0, clauses: 0, exact: true, page, pageSize, groups: [], facets: emptyFacets(), interpreted: { identifier: null, terms: plan.terms } };
    if (!plan.all) return empty;

    let query = planTsquery(plan.terms, 'all');
    let ids = await this.match(query, 'tsv');
    if (!ids.length && plan.any) ids = await this.match((query = planTsquery(plan.terms, 'any')), 'tsv');
    if (!ids.length) return empty;
    const exact = ids.length <= MAX_CANDIDATES;
    if (!exact) ids = ids.slice(0, MAX_CANDIDATES);
    const inTitle = new Set(await this.match(query, 'tsv_title', ids));
    const rows: [number, number][] = ids.map((r) => [r, inTitle.has(r) ? 2 : 1]);

    const info = await this.docInfo([...new Set(rows.map(([r]) => docIdOfRowid(r)))]);
    // Not-disclosed texts and restricted ones the caller may not read contribute nothing (access.ts).
    const hidden = hiddenStandards((await sql.raw<NonPublicText>(NON_PUBLIC_TEXTS_SQL).execute(this.db)).rows, input?.access);
    const groups = new Map<number, { best: number; clauses: [number, number][] }>();
    let visible = 0;
    for (const [rowid, score] of rows) {
      const d = info.get(docIdOfRowid(rowid));
      if (!d || hidden.has(d.stdId)) continue;
      visible++;
      let g = groups.get(d.stdRow);
      if (!g) groups.set(d.stdRow, (g = { best: score, clauses: [] }));
      g.clauses.push([rowid, score]);
      if (score > g.best) g.best = score;
    }
    const { selected, facets } = selectAndCount(groups.keys(), docs, filters);
    const groupScore = (r: number) => groups.get(r)!.best + Math.log2(1 + groups.get(r)!.clauses.length);
    const newest = (r: number) => groups.get(r)!.clauses[0][0];
    const scored = selected.map((r) => [r, groupScore(r)] as const).sort((a, b) => b[1] - a[1] || newest(b[0]) - newest(a[0]));
    const from = (page - 1) * pageSize;
    const pageRows = scored.slice(from, from + pageSize);

    const shown = new Map<number, [number, number][]>();
    for (const [r] of pageRows) shown.set(r, groups.get(r)!.clauses.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, HITS_PER_STANDARD));
    const sections = await this.sections([...shown.values()].flat().map(([rowid]) => rowid));
    const summaries = await this.page.summaries(pageRows.map(([r]) => r));
    const out: ClauseGroup[] = [];
    for (const [r, score] of pageRows) {
      const standard = summaries.get(r);
      if (!standard) continue;
      const hits: ClauseHit[] = [];
      for (const [rowid, s] of shown.get(r)!) {
        const sec = sections.get(rowid);
        const d = info.get(docIdOfRowid(rowid));
        if (!sec || !d) continue;
        hits.push({
          anchor: sec.anchor,
          num: sec.num,
          title: sec.title,
          titleHighlight: highlight(sec.title, plan.terms),
          snippet: clauseSnippet(sec.text, plan.terms),
          permalink: clausePermalink(standard.id, sec.anchor),
          lang: d.lang,
          score: s,
        });
      }
      out.push({ standard, score, clauseCount: groups.get(r)!.clauses.length, hits });
    }
    return { total: selected.length, clauses: visible, exact, page, pageSize, groups: out, facets, interpreted: { identifier: null, terms: plan.terms } };
  }

  /** Matching clause rowids, newest first, at most MAX_CANDIDATES + 1 (or only among `within`). */
  private async match(query: RawBuilder<unknown>, column: 'tsv' | 'tsv_title', within?: number[]): Promise<number[]> {
    const r = within
      ? await sql<{ rowid: number }>`SELECT rowid FROM clause_row, (SELECT ${query} AS q) AS query
          WHERE ${sql.ref(column)} @@ q AND rowid = ANY(${within}::bigint[])`.execute(this.db)
      : await sql<{ rowid: number }>`SELECT rowid FROM clause_row, (SELECT ${query} AS q) AS query
          WHERE ${sql.ref(column)} @@ q ORDER BY rowid DESC LIMIT ${MAX_CANDIDATES + 1}`.execute(this.db);
    return r.rows.map((x) => Number(x.rowid));
  }

  private async docInfo(ids: number[]): Promise<Map<number, { stdId: string; lang: string; stdRow: number }>> {
    const out = new Map<number, { stdId: string; lang: string; stdRow: number }>();
    if (!ids.length) return out;
    const r = await sql<{ id: number; std_id: string; lang: string; rowid: number }>`
      SELECT d.id, d.std_id, d.lang, s.rowid FROM content_doc d JOIN search_doc s ON s.std_id = d.std_id
      WHERE d.id = ANY(${ids}::int[])`.execute(this.db);
    for (const x of r.rows) out.set(Number(x.id), { stdId: x.std_id, lang: x.lang, stdRow: Number(x.rowid) });
    return out;
  }

  private async sections(rowids: number[]): Promise<Map<number, { anchor: string; num: string | null; title: string; text: string }>> {
    const out = new Map<number, { anchor: string; num: string | null; title: string; text: string }>();
    if (!rowids.length) return out;
    const r = await sql<{ rowid: number; anchor: string; num: string | null; title: string; text: string }>`
      SELECT c.rowid, c.anchor, s.num, s.title, s.text FROM clause_row c
      JOIN content_section s ON s.doc_id = c.doc_id AND s.anchor = c.anchor
      WHERE c.rowid = ANY(${rowids}::bigint[])`.execute(this.db);
    for (const x of r.rows) out.set(Number(x.rowid), { anchor: x.anchor, num: x.num, title: x.title, text: x.text });
    return out;
  }
}

/** Catalogue matches shown above the clause hits of an identifier query (as service.ts). */
const CATALOGUE_TOP = 3;

/** The ClauseSearch port on PostgreSQL; identifier queries also go to the catalogue search (as on SQLite). */
export function createPgClauseSearch(db: Executor, catalogue: CatalogueSearch): ClauseSearch {
  const engine = new PgClauseEngine(db);
  return {
    async search(q: ClauseQuery): Promise<ClauseSearchResult> {
      const text = boundedQueryText(q?.q).trim();
      let isId = false;
      try {
        isId = text.length > 0 && looksLikeIdentifier(text);
      } catch {
        isId = false;
      }
      const [result, cat] = await Promise.all([
        engine.search(q),
        isId ? catalogue.search({ q: text, filters: q.filters ?? {}, sort: 'relevance', page: 1, pageSize: CATALOGUE_TOP }) : null,
      ]);
      const hits: SearchHit[] = cat ? cat.items.filter((h) => h.matchedBy === 'number') : [];
      return { ...result, catalogue: hits, interpreted: { identifier: cat?.interpreted.identifier ?? null, terms: result.interpreted.terms } };
    },
    async close() {},
  };
}
