import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueStore } from '../catalogue/ports.js';
import { FIXTURES, loadFixtures } from './fixtures.case.js';
import type { CatalogueSearch, SearchFilters, SearchQuery, SearchResult, SearchSort } from './ports.js';

/**
 * The CatalogueSearch contract (run by every adapter: SQLite FTS5 in search.test.ts, PostgreSQL tsvector in
 * search.pg.test.ts). `make` returns an empty catalogue whose writes feed the search index, and the search port.
 */
export interface SearchHarness {
  catalogue: CatalogueStore;
  search: CatalogueSearch;
  close(): Promise<void>;
}

export function catalogueSearchContract(name: string, make: () => Promise<SearchHarness>): void {
  let s: SearchHarness;

  beforeAll(async () => {
    s = await make();
    await loadFixtures(s.catalogue);
  });
  afterAll(async () => {
    await s?.close();
  });

  function q(text: string, opts: { filters?: SearchFilters; sort?: SearchSort; page?: number; pageSize?: number } = {}): Promise<SearchResult> {
    const query: SearchQuery = { q: text, filters: opts.filters ?? {}, sort: opts.sort ?? 'relevance', page: opts.page ?? 1, pageSize: opts.pageSize ?? 20 };
    return s.search.search(query);
  }
  const ids = (r: SearchResult) => r.items.map((i) => i.id);

  describe(`CatalogueSearch contract: ${name}`, () => {
    it('finds 防火门 with the current edition first and the old one after it', async () => {
      const r = await q('防火门');
      expect(ids(r).slice(0, 2)).toEqual(['GB-12955-2024', 'GB-12955-2008']);
      expect(r.total).toBe(2);
      expect(r.items[0].matchedBy).toBe('text');
      expect(r.items[0].highlights.zh).toEqual([{ text: '防火门', hit: true }]);
      expect(r.interpreted.terms).toEqual(['防火门']);
    });

    it('finds domain words and their parts', async () => {
      expect(ids(await q('换电站'))).toEqual(['GB-T-29772-2024']);
      expect(ids(await q('碳足迹'))).toEqual(['GB-T-24067-2024']);
      expect(ids(await q('信用承诺'))).toEqual(['GB-T-46277-2025']);
      expect(ids(await q('软包夹'))).toEqual(['JB-T-13368-2018']);
      // Sub-words of compounds are indexed: 电站 is inside 换电站, 足迹 inside 碳足迹.
      expect(ids(await q('电站'))).toEqual(['GB-T-29772-2024']);
      expect(ids(await q('足迹'))).toEqual(['GB-T-24067-2024']);
      const hl = (await q('换电站')).items[0].highlights.zh;
      expect(hl).toEqual([
        { text: '电动汽车', hit: false },
        { text: '换电站', hit: true },
        { text: '通用要求', hit: false },
      ]);
    });

    it.each([
      ['gb 12955', 'GB-12955-2024'],
      ['GB 12955-2008', 'GB-12955-2008'],
      ['GB/T29772', 'GB-T-29772-2024'],
      ['ＧＢ／Ｔ　２９７７２', 'GB-T-29772-2024'],
      ['gbt 29772-2024', 'GB-T-29772-2024'],
      ['29772', 'GB-T-29772-2024'],
      ['9001:2015', 'ISO-9001-2015'],
      ['ISO 9001', 'ISO-9001-2015'],
      ['iso 9001:2008', 'ISO-9001-2008'],
      ['rfc9110', 'RFC-9110'],
      ['RFC 2616', 'RFC-2616'],
    ])('ranks the right record first for the identifier %s', async (text, id) => {
      const r = await q(text);
      expect(r.items[0]?.id).toBe(id);
      expect(r.items[0].matchedBy).toBe('number');
      expect(r.interpreted.identifier).not.toBeNull();
    });

    it('lists every edition of a family, current first, for a number without year', async () => {
      const r = await q('gb 12955');
      expect(ids(r).slice(0, 2)).toEqual(['GB-12955-2024', 'GB-12955-2008']);
      expect(r.items.slice(0, 2).map((i) => i.matchedBy)).toEqual(['number', 'number']);
      expect(r.interpreted.identifier).toBe('GB 12955');
    });

    it('stems English (doors finds door) and highlights the matched word', async () => {
      const r = await q('doors');
      expect(ids(r)).toEqual(['ISO-3008-1-2017']);
      expect(r.items[0].highlights.en.filter((p) => p.hit).map((p) => p.text)).toEqual(['Door']);
      const quality = await q('quality managing');
      expect(ids(quality)).toEqual(['ISO-9001-2015', 'ISO-9001-2008']);
    });

    it('requires all terms, and falls back to any term when all find nothing', async () => {
      expect(ids(await q('fire resistance door'))).toEqual(['ISO-3008-1-2017']);
      const any = await q('防火门 semantics');
      expect(new Set(ids(any))).toEqual(new Set(['GB-12955-2024', 'GB-12955-2008', 'RFC-9110', 'RFC-7231']));
    });

    it('searches the committee and the abstract', async () => {
      expect(ids(await q('SAC/TC 611'))).toEqual(['GB-T-46277-2025']);
      expect(ids(await q('consistently provide products'))).toEqual(['ISO-9001-2015']);
    });

    it('counts facets over the whole match set, each facet ignoring its own filter', async () => {
      const all = await q('', { pageSize: 1 });
      expect(all.total).toBe(FIXTURES.length);
      expect(all.facets.body).toEqual([
        { value: 'SAC', count: 5 },
        { value: 'IETF', count: 3 },
        { value: 'ISO', count: 3 },
        { value: 'MIIT', count: 1 },
      ]);
      expect(all.facets.ics).toEqual([
        { value: '13', count: 4 },
        { value: '03', count: 2 },
        { value: '43', count: 1 },
      ]);
      const sac = await q('', { filters: { body: ['SAC'] } });
      expect(sac.total).toBe(5);
      // The body facet still shows the other bodies (disjunctive); the others count only SAC records.
      expect(sac.facets.body.map((f) => f.value)).toEqual(['SAC', 'IETF', 'ISO', 'MIIT']);
      expect(sac.facets.nature).toEqual([
        { value: 'recommended', count: 3 },
        { value: 'mandatory', count: 2 },
      ]);
      expect(sac.facets.status).toEqual([
        { value: 'current', count: 4 },
        { value: 'replaced', count: 1 },
      ]);
      const ics = await q('', { filters: { ics: '13' } });
      expect(ids(ics).sort()).toEqual(['GB-12955-2008', 'GB-12955-2024', 'GB-T-24067-2024', 'ISO-3008-1-2017']);
      expect(ics.facets.ics).toEqual([
        { value: '13', count: 4 },
        { value: '13.220', count: 3 },
        { value: '03', count: 2 },
        { value: '13.020', count: 1 },
        { value: '43', count: 1 },
      ]);
      const years = await q('', { filters: { yearFrom: 2024, yearTo: 2025 } });
      expect(years.total).toBe(4);
      expect(years.facets.year[0]).toEqual({ value: '2025', count: 1 });
      const text = await q('fire', { filters: { status: ['current'] } });
      expect(ids(text).sort()).toEqual(['GB-12955-2024', 'ISO-3008-1-2017']);
      expect(text.facets.status).toEqual([
        { value: 'current', count: 2 },
        { value: 'replaced', count: 1 },
      ]);
      expect(text.facets.body).toEqual([
        { value: 'ISO', count: 1 },
        { value: 'SAC', count: 1 },
      ]);
    });

    it('fills successors of replaced and obsoleted hits from relations in both directions', async () => {
      const old = (await q('GB 12955-2008')).items[0];
      expect(old.successors).toEqual([{ id: 'GB-12955-2024', number: 'GB 12955-2024', status: 'current' }]);
      const iso = (await q('iso 9001:2008')).items[0];
      expect(iso.successors).toEqual([{ id: 'ISO-9001-2015', number: 'ISO 9001:2015', status: 'current' }]);
      const rfc7231 = (await q('RFC 7231')).items[0];
      expect(rfc7231.successors).toEqual([{ id: 'RFC-9110', number: 'RFC 9110', status: 'current' }]);
      // RFC 7230 is not in this catalogue: it is listed by number with no id.
      const rfc2616 = (await q('RFC 2616')).items[0];
      expect(rfc2616.successors).toEqual(
        expect.arrayContaining([
          { id: null, number: 'RFC 7230', status: null },
          { id: 'RFC-7231', number: 'RFC 7231', status: 'obsoleted' },
        ]),
      );
      expect((await q('RFC 9110')).items[0].successors).toEqual([]);
    });

    it('pages and sorts', async () => {
      const byNumber = await q('', { sort: 'number', pageSize: 5 });
      expect(ids(byNumber)).toEqual(['GB-12955-2008', 'GB-12955-2024', 'GB-T-24067-2024', 'GB-T-29772-2024', 'GB-T-46277-2025']);
      // Prefixes in order (GB, GB/T, ISO, JB/T, RFC), numbers numerically within a prefix.
      const page2 = await q('', { sort: 'number', pageSize: 5, page: 2 });
      expect(ids(page2)).toEqual(['ISO-3008-1-2017', 'ISO-9001-2008', 'ISO-9001-2015', 'JB-T-13368-2018', 'RFC-2616']);
      const page3 = await q('', { sort: 'number', pageSize: 5, page: 3 });
      expect(ids(page3)).toEqual(['RFC-7231', 'RFC-9110']);
      expect(page3.total).toBe(FIXTURES.length);
      const newest = await q('', { sort: 'newest', pageSize: 3 });
      expect(ids(newest)).toEqual(['GB-T-46277-2025', 'GB-T-29772-2024', 'GB-12955-2024']);
      const oldest = await q('', { sort: 'oldest', pageSize: 2 });
      expect(ids(oldest)).toEqual(['RFC-2616', 'GB-12955-2008']);
      const beyond = await q('', { page: 99 });
      expect(beyond.items).toEqual([]);
      expect(beyond.total).toBe(FIXTURES.length);
      const rfcNewest = await q('http', { sort: 'newest' });
      expect(ids(rfcNewest)).toEqual(['RFC-9110', 'RFC-7231', 'RFC-2616']);
    });

    it('never throws on hostile query text, filters or paging', async () => {
      const hostile = [
        '"', '""', '"""', "'", '(', ')', '((((', 'AND(', 'OR', 'NOT', 'AND', 'NEAR', 'NEAR(a b, 2)', '*', 'a*', '-', '--',
        '-x', '^', '^a', ':', 'title:x', 'num:1', '{a b}', '[a]', 'a OR', 'OR b', 'a AND NOT b', '\\', '%', '_', ';',
        "'; DROP TABLE standard; --", '🔥', '🔥防火门🔥', 'a\u0000b', '\u0000', '\uD800', '\uDC00x', '\uFFFF', '\u202E',
        ' ', '\t\n', '0', '00000000000000000000000000', '9'.repeat(500), '1:2', 'GB/', 'gb/t', 'ISO/', 'RFC', 'rfc0',
        'x'.repeat(10_000), '防'.repeat(10_000), 'fire '.repeat(2_000), '"fire" "door"', 'fire"door', 'é', 'Ⅸ', '㎡',
      ];
      for (const text of hostile) {
        const r = await q(text);
        expect(Array.isArray(r.items), JSON.stringify(text.slice(0, 20))).toBe(true);
        expect(r.total).toBeGreaterThanOrEqual(r.items.length);
      }
      const weird = await s.search.search({
        q: 42 as unknown as string,
        filters: { body: 'SAC' as unknown as string[], ics: 7 as unknown as string, yearFrom: 'x' as unknown as number },
        sort: 'sideways' as SearchSort,
        page: -5,
        pageSize: 1e9,
      });
      expect(weird.page).toBe(1);
      expect(weird.pageSize).toBe(100);
    });

    it('sees updates and removals right away', async () => {
      const rec = structuredClone(FIXTURES.find((r) => r.id === 'GB-T-46277-2025')!);
      rec.titles.push({ lang: 'zh', type: 'abbreviation', text: '碳标签' });
      await s.catalogue.upsert(rec, { actor: 'test' });
      expect(ids(await q('碳标签'))).toEqual(['GB-T-46277-2025']);
      await s.catalogue.remove('GB-T-46277-2025', { actor: 'test' });
      expect(ids(await q('碳标签'))).toEqual([]);
      expect(ids(await q('46277'))).toEqual([]);
      expect((await q('')).total).toBe(FIXTURES.length - 1);
      await s.catalogue.upsert(FIXTURES.find((r) => r.id === 'GB-T-46277-2025')!, { actor: 'test' });
      expect(ids(await q('信用承诺'))).toEqual(['GB-T-46277-2025']);
      expect((await q('')).total).toBe(FIXTURES.length);
    });
  });
}
