import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/container.js';
import { loadDemo } from '../demo/load.js';
import { runImport } from '../importers/runner.js';
import { PG_AVAILABLE, pgTestServices } from '../testing/pg.js';
import { sharedData } from '../testing/shared-data.js';
import { testServices } from '../testing/services.js';
import type { SearchQuery, SearchResult } from './ports.js';

/**
 * SQLite and PostgreSQL give the same answers: full Services on each (FTS5 / tsvector), the demo data loaded through
 * the demo loader (ICS codes, the whole RFC index, Chinese national standards, the bilingual demo standard and its
 * texts) plus a slice of the real reference data when ../shared/data is present (the ISO Relaton sample), then the
 * same queries on both. Hit sets, totals and facets must be equal; the order of identifier hits must be equal.
 *
 * Ranking within the text tier is declared here as data: SQLite ranks with BM25 evaluated in JS over match sets
 * (adapters/bm25.ts), PostgreSQL with ts_rank / rum's distance over the weighted tsvector (adapters/pg.ts), so
 * two records of similar relevance may swap places. RANKING lists every query whose first page differs in order;
 * a query missing from it must come back in exactly the same order (a changed ranking shows up as a failing test
 * to be declared, never silently).
 */

/** Queries whose first-page order differs between the two databases (same hits, other order), with the reason. */
export const RANKING: Record<string, string> = {
  '{"q":"transmission control protocol"}':
    'many RFC titles hold all three words: BM25 prefers the shortest titles, ts_rank the ones repeating a word',
  '{"q":"security considerations"}':
    'BM25 over match sets (SQLite) vs ts_rank over the weighted tsvector (PostgreSQL): records with the words only in the abstract or keywords order differently',
  '{"q":"tls 1.3"}':
    'BM25 over match sets (SQLite) vs ts_rank over the weighted tsvector (PostgreSQL): the digits 1 and 3 occur in many titles',
  '{"q":"country codes"}':
    'RFC 9388 ranks first on SQLite (short title, BM25 length normalisation), after the ISO 3166 parts on PostgreSQL',
  '{"q":"language"}':
    'one common word: BM25 ranks by title length, ts_rank by the number of occurrences (ISO 639 titles repeat it)',
  '{"q":"quality managing"}':
    'the ISO 9001 amendment repeats the title words: first on PostgreSQL (ts_rank counts occurrences), after ISO 9001:2015 on SQLite',
  '{"q":"ipv6 addressing architecture"}':
    'BM25 over match sets (SQLite) vs ts_rank over the weighted tsvector (PostgreSQL): five records with all three words in the title',
  '{"q":"STD 7"}':
    'identifier hits agree; the text-tier records after them (the digit 7 in titles) are ordered differently',
  '{"q":"ISO 639"}':
    'identifier hits agree; the text-tier records after them are ordered differently',
  '{"q":"SAC/TC 611"}':
    'the OR fallback over the tokens sac, tc and 611: BM25 weighs rare terms by idf, ts_rank does not',
  '{"q":"zzzz nothing matches this"}':
    'the OR fallback (no record has every word): BM25 weighs rare terms by idf, ts_rank does not',
};

const QUERIES: (Partial<SearchQuery> & { q: string })[] = [
  { q: '' },
  { q: '', sort: 'newest' },
  { q: '', filters: { body: ['SAC'] } },
  { q: '', filters: { ics: '35' } },
  { q: '电动汽车' },
  { q: '换电站' },
  { q: '碳足迹' },
  { q: '标准' },
  { q: '信息技术 安全' },
  { q: '元数据' },
  { q: 'http' },
  { q: 'http semantics' },
  { q: 'transmission control protocol' },
  { q: 'internet' },
  { q: 'security considerations' },
  { q: 'routing', filters: { status: ['current'] } },
  { q: 'email', sort: 'newest' },
  { q: 'tls 1.3' },
  { q: 'doors' },
  { q: 'country codes' },
  { q: 'language' },
  { q: 'quality managing' },
  { q: 'ipv6 addressing architecture' },
  { q: 'ietf 防火门' },
  { q: 'RFC 9110' },
  { q: 'rfc9110' },
  { q: 'BCP 14' },
  { q: 'STD 7' },
  { q: '9110' },
  { q: '3166' },
  { q: 'ISO 3166-1' },
  { q: 'ISO 639' },
  { q: 'GB/T 29772' },
  { q: 'gb 12955' },
  { q: 'SAC/TC 611' },
  { q: 'zzzz nothing matches this' },
];

const query = (x: Partial<SearchQuery> & { q: string }): SearchQuery => ({ filters: {}, sort: 'relevance', page: 1, pageSize: 100, ...x });
const label = (x: Partial<SearchQuery> & { q: string }) => JSON.stringify({ q: x.q, ...(x.filters ? { f: x.filters } : {}), ...(x.sort ? { s: x.sort } : {}) });

async function load(s: Services): Promise<void> {
  const reports = await loadDemo(s);
  for (const r of reports) expect(r.counts.failed ?? 0, `${r.importer}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity !== 'info').slice(0, 3))}`).toBe(0);
  const iso = sharedData('relaton-iso/sample');
  if (iso) await runImport(s, 'relaton', iso);
}

/** Hits of a query on only one side (all pages), for the message of a failing comparison. */
async function missing(x: Partial<SearchQuery> & { q: string }): Promise<{ onlySqlite: string[]; onlyPostgres: string[] }> {
  const all = async (s: Services) => {
    const ids = new Set<string>();
    for (let page = 1; page <= 50; page++) {
      const r = await s.search.search(query({ ...x, page }));
      for (const i of r.items) ids.add(i.id);
      if (r.items.length < 100) break;
    }
    return ids;
  };
  const [a, b] = await Promise.all([all(lite), all(pg)]);
  return { onlySqlite: [...a].filter((id) => !b.has(id)), onlyPostgres: [...b].filter((id) => !a.has(id)) };
}

let lite: Services & { close(): Promise<void> };
let pg: Services & { close(): Promise<void> };

describe.skipIf(!PG_AVAILABLE)('search agreement: SQLite FTS5 and PostgreSQL tsvector on the same corpus', () => {
  beforeAll(async () => {
    [lite, pg] = await Promise.all([testServices(), pgTestServices()]);
    await load(lite);
    await load(pg);
  }, 900_000);
  afterAll(async () => {
    await lite?.close();
    await pg?.close();
  });

  it('holds the same catalogue on both', async () => {
    expect(await pg.catalogue.count()).toBe(await lite.catalogue.count());
    expect(await pg.catalogue.stats()).toEqual(await lite.catalogue.stats());
    expect(pg.dialect).toBe('postgres');
  });

  it('gives the same hits, totals and facets for every query; identifier hits in the same order', async () => {
    const differs: Record<string, string[]> = {};
    for (const x of QUERIES) {
      const [a, b]: SearchResult[] = await Promise.all([lite.search.search(query(x)), pg.search.search(query(x))]);
      const name = label(x);
      if (b.total !== a.total) expect(await missing(x), name).toEqual({ onlySqlite: [], onlyPostgres: [] });
      expect(b.facets, name).toEqual(a.facets);
      expect(b.interpreted, name).toEqual(a.interpreted);
      if (a.total <= 100) expect(new Set(b.items.map((i) => i.id)), name).toEqual(new Set(a.items.map((i) => i.id)));
      const numA = a.items.filter((i) => i.matchedBy === 'number').map((i) => i.id);
      const numB = b.items.filter((i) => i.matchedBy === 'number').map((i) => i.id);
      expect(numB, name).toEqual(numA);
      // Highlights are built in JS from the same titles and terms: equal for the same record.
      const hlA = new Map(a.items.map((i) => [i.id, i.highlights]));
      for (const i of b.items) if (hlA.has(i.id)) expect(i.highlights, `${name} ${i.id}`).toEqual(hlA.get(i.id));
      const orderA = a.items.slice(0, 10).map((i) => i.id);
      const orderB = b.items.slice(0, 10).map((i) => i.id);
      if (a.total <= 100 && JSON.stringify(orderA) !== JSON.stringify(orderB)) differs[name] = [orderA.join(' '), orderB.join(' ')];
    }
    // Every order difference is declared in RANKING, and every declaration is still a difference. RANKING was
    // measured with the rum index (CI installs postgresql-15-rum); over GIN (ts_rank) only the hits are compared.
    if ((pg.search as { index?: string }).index === 'rum')
      expect(Object.keys(differs).sort(), JSON.stringify(differs, null, 1)).toEqual(Object.keys(RANKING).sort());
  }, 120_000);

  it('gives the same clause hits for the demo texts', async () => {
    for (const q of ['题录元数据', '元数据', 'metadata', 'identifier', '标准 编号', 'RFC 9110']) {
      const cq = { q, filters: {}, page: 1, pageSize: 50 };
      const [a, b] = await Promise.all([lite.clauses.search(cq), pg.clauses.search(cq)]);
      expect(b.total, q).toBe(a.total);
      expect(b.groups.map((g) => [g.standard.id, g.clauseCount, g.hits.map((h) => h.anchor)]), q).toEqual(
        a.groups.map((g) => [g.standard.id, g.clauseCount, g.hits.map((h) => h.anchor)]),
      );
      expect(b.catalogue.map((h) => h.id), q).toEqual(a.catalogue.map((h) => h.id));
    }
  });
});
