import { readFileSync, readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Services } from '../../app/container.js';
import type { StandardRecord } from '../../catalogue/model.js';
import { record } from '../../catalogue/store.case.js';
import { blocksText, type ContentDocument } from '../../content/model.js';
import { demoSteps, loadDemoTexts } from '../../demo/load.js';
import { entryToRecord, parseEntry, splitIndex } from '../../importers/rfc-index.js';
import { runImport } from '../../importers/runner.js';
import '../../importers/rfc-text.js';
import { sharedData } from '../../testing/shared-data.js';
import { buildServer } from '../../web/server.js';
import type { Highlight } from '../ports.js';
import type { ClauseSearchResult } from './ports.js';
import { clauseSnippet } from './snippet.js';

/**
 * The ClauseSearch contract (with the content store feeding its index), run on full Services: SQLite FTS5 in
 * clause-search.test.ts, PostgreSQL tsvector in clause-search.pg.test.ts.
 */
export function clauseSearchContract(name: string, make: () => Promise<Services & { close(): Promise<void> }>): void {
  const open: (Services & { close(): Promise<void> })[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  async function services() {
    const s = await make();
    open.push(s);
    return s;
  }

  const text = (h: Highlight) => h.map((p) => p.text).join('');
  const marked = (h: Highlight) => h.filter((p) => p.hit).map((p) => p.text);
  const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

  function doc(stdId: string, lang: string, body: ContentDocument['body'], over: Partial<ContentDocument> = {}): ContentDocument {
    return {
      stdId,
      edition: stdId,
      lang,
      title: stdId,
      source: { format: 'test', ref: `${stdId}.txt`, sha256: 'a'.repeat(64), mediaType: 'text/plain; charset=utf-8' },
      front: [],
      body,
      back: [],
      ...over,
    };
  }
  const clause = (id: string, title: string, ...paras: string[]) => ({
    id,
    num: id,
    title: [title],
    kind: 'clause' as const,
    blocks: paras.map((p) => ({ t: 'p' as const, c: [p] })),
    children: [],
  });

  /** A small Chinese standard and an English one, with different status and nature (for the facets). */
  async function seeded() {
    const s = await services();
    await s.catalogue.upsert(
      record({ id: 'GB-T-99001-2025', number: 'GB/T 99001-2025', nature: 'recommended', year: 2025, titles: [{ lang: 'zh', type: 'main', text: '电动汽车换电站通用要求' }] }),
      { actor: 'test' },
    );
    await s.catalogue.upsert(
      record({ id: 'T-CAS-7-2024', number: 'T/CAS 7-2024', status: 'withdrawn', year: 2024, titles: [{ lang: 'en', type: 'main', text: 'Battery swapping guidance' }] }),
      { actor: 'test' },
    );
    const zh = doc('GB-T-99001-2025', 'zh', [
      clause('1', '范围', '本文件规定了电动汽车换电站的通用要求，适用于乘用车换电站的设计和运营。'),
      clause('4', '安全要求', '换电站应设置消防设施。', '电池包在更换过程中应防止短路，动力电池的温度应受到监测。'),
      clause('5', '标志', '本条与检索词无关。'),
    ]);
    const en = doc('T-CAS-7-2024', 'en', [
      clause('1', 'Scope', 'This document gives guidance for battery swapping stations.'),
      clause('3', 'Swapping procedure', 'The operator SWAPS the battery pack within five minutes.', 'A swapped battery is checked before it is charged again.'),
    ]);
    await s.content.put(zh, Buffer.from('zh'), { actor: 'test' });
    await s.content.put(en, Buffer.from('en'), { actor: 'test' });
    return { s, zh, en };
  }

  const rowCounts = async (s: Services) => {
    // The index rows that still match: FTS5's shadow table on SQLite, the tsvector column on PostgreSQL.
    const r =
      s.dialect === 'postgres'
        ? await sql<{ rows: number; fts: number }>`SELECT (SELECT count(*) FROM clause_row) AS rows,
            (SELECT count(*) FROM clause_row WHERE tsv @@ to_tsquery('simple', '要求 | battery | 本条')) AS fts`.execute(s.db)
        : await sql<{ rows: number; fts: number }>`SELECT (SELECT count(*) FROM clause_row) AS rows,
            (SELECT count(*) FROM clause_fts WHERE clause_fts MATCH '"要求" OR "battery" OR "本条"') AS fts`.execute(s.db);
    return { rows: Number(r.rows[0].rows), fts: Number(r.rows[0].fts) };
  };

  describe(`ClauseSearch contract: ${name}`, () => {
    it('finds Chinese words in clauses, grouped by standard, with the clause number, title and permalink', async () => {
      const { s } = await seeded();
      const r = await s.clauses.search({ q: '动力电池 温度', filters: {}, page: 1, pageSize: 10 });
      expect(r.total).toBe(1);
      const [g] = r.groups;
      expect(g.standard).toMatchObject({ id: 'GB-T-99001-2025', number: 'GB/T 99001-2025', status: 'current' });
      expect(g.hits.map((h) => [h.anchor, h.num, h.title, h.permalink])).toEqual([['4', '4', '安全要求', '/std/GB-T-99001-2025/clause/4']]);
      expect(marked(g.hits[0].snippet)).toEqual(['动力电池', '温度']);

      // Two clauses of one standard match '换电站': one group, both clauses, the scope clause (in a title-less text) too.
      const r2 = await s.clauses.search({ q: '换电站', filters: {}, page: 1, pageSize: 10 });
      expect(r2.groups.map((x) => x.standard.id)).toEqual(['GB-T-99001-2025']);
      expect(r2.groups[0].clauseCount).toBe(2);
      expect(r2.groups[0].hits.map((h) => h.anchor).sort()).toEqual(['1', '4']);
    });

    it('stems English (swapping / swaps / swapped) and highlights the original words, upper case included', async () => {
      const { s } = await seeded();
      const r = await s.clauses.search({ q: 'swapping', filters: {}, page: 1, pageSize: 10 });
      expect(r.groups.map((g) => g.standard.id)).toEqual(['T-CAS-7-2024']);
      const hits = r.groups[0].hits;
      expect(hits.map((h) => h.anchor)).toContain('3');
      const h3 = hits.find((h) => h.anchor === '3')!;
      expect(marked(h3.titleHighlight)).toEqual(['Swapping']);
      expect(marked(h3.snippet)).toEqual(['SWAPS', 'swapped']);
      // The snippet is the ORIGINAL text (not the segmented index text), whitespace collapsed.
      expect(text(h3.snippet)).toBe('The operator SWAPS the battery pack within five minutes. A swapped battery is checked before it is charged again.');
    });

    it('applies the catalogue facets to the standards and counts them disjunctively', async () => {
      const { s } = await seeded();
      const all = await s.clauses.search({ q: 'battery 电池', filters: {}, page: 1, pageSize: 10 });
      // AND finds nothing (no clause has both words), so any word: both standards.
      expect(all.groups.map((g) => g.standard.id).sort()).toEqual(['GB-T-99001-2025', 'T-CAS-7-2024']);
      expect(all.facets.status).toEqual([
        { value: 'current', count: 1 },
        { value: 'withdrawn', count: 1 },
      ]);
      const current = await s.clauses.search({ q: 'battery 电池', filters: { status: ['current'] }, page: 1, pageSize: 10 });
      expect(current.groups.map((g) => g.standard.id)).toEqual(['GB-T-99001-2025']);
      expect(current.facets.status.map((f) => f.value).sort()).toEqual(['current', 'withdrawn']);
      const old = await s.clauses.search({ q: 'battery 电池', filters: { yearTo: 2024 }, page: 1, pageSize: 10 });
      expect(old.groups.map((g) => g.standard.id)).toEqual(['T-CAS-7-2024']);
      const none = await s.clauses.search({ q: 'battery', filters: { nature: ['mandatory'] }, page: 1, pageSize: 10 });
      expect(none.groups).toEqual([]);
    });

    it('re-importing does not duplicate index rows; an update replaces them; deleting the standard removes them', async () => {
      const { s, zh, en } = await seeded();
      const before = await rowCounts(s);
      expect(before.rows).toBe(5);
      await s.content.put(zh, Buffer.from('zh'), { actor: 'test' });
      await s.content.put(en, Buffer.from('en'), { actor: 'test' });
      expect(await rowCounts(s)).toEqual(before);

      const changed = doc('T-CAS-7-2024', 'en', [clause('1', 'Scope', 'Only ladders now.')], { source: { ...en.source, sha256: 'b'.repeat(64) } });
      expect(await s.content.put(changed, Buffer.from('en2'), { actor: 'test' })).toBe('updated');
      expect((await rowCounts(s)).rows).toBe(4);
      expect((await s.clauses.search({ q: 'swapping', filters: {}, page: 1, pageSize: 10 })).groups).toEqual([]);
      expect((await s.clauses.search({ q: 'ladder', filters: {}, page: 1, pageSize: 10 })).groups).toHaveLength(1);

      await s.catalogue.remove('GB-T-99001-2025', { actor: 'test' });
      const after = await rowCounts(s);
      expect(after.rows).toBe(1);
      // The FTS rows went with them (trigger on clause_row): no orphan match remains.
      expect(after.fts).toBe(0);
      expect((await s.clauses.search({ q: '换电站', filters: {}, page: 1, pageSize: 10 })).groups).toEqual([]);
    });

    it('puts the catalogue match of a standard-number query on top', async () => {
      const { s } = await seeded();
      const r = await s.clauses.search({ q: 'GB/T 99001-2025', filters: {}, page: 1, pageSize: 10 });
      expect(r.catalogue.map((h) => h.id)).toEqual(['GB-T-99001-2025']);
      expect(r.interpreted.identifier).toBe('GB/T 99001-2025');
      const words = await s.clauses.search({ q: '换电站', filters: {}, page: 1, pageSize: 10 });
      expect(words.catalogue).toEqual([]);
    });

    it('answers hostile query strings with 200 on the page and the API, never a server error', async () => {
      const { s } = await seeded();
      const app = await buildServer(s);
      try {
        const hostile = ['"', '""', '"battery', 'battery"', '(', ')', '((battery', 'AND(', 'AND', 'OR NOT', 'NEAR(a b)', '*', 'batt*', '^battery', 'title:battery',
          '{title}: x', '\u0000', '\uD800', '😀', '🔋 电池', '-', '--', "'; DROP TABLE clause_fts; --", 'x'.repeat(10_240), '电'.repeat(5000), '%', '[a]', '\\'];
        // A lone surrogate cannot be percent-encoded as UTF-8: send its raw (invalid UTF-8) bytes instead.
        const enc = (q: string) => q.replace(/[\uD800-\uDFFF]/g, '').length === q.length ? encodeURIComponent(q) : '%ED%A0%80';
        for (const q of hostile) {
          const page = await app.inject({ method: 'GET', url: `/search/text?q=${enc(q)}` });
          expect(page.statusCode, `page ${q.slice(0, 20)}`).toBe(200);
          const apiQ = q.slice(0, 500);
          const api = await app.inject({ method: 'GET', url: `/api/v1/clauses?q=${enc(apiQ)}` });
          expect(api.statusCode, `api ${q.slice(0, 20)}`).toBe(200);
          const body = api.json() as { items: unknown[] };
          expect(Array.isArray(body.items)).toBe(true);
        }
        // Odd parameters are clamped on the page, and reported as 400 (not 500) by the strict API.
        expect((await app.inject({ method: 'GET', url: '/search/text?q=battery&page=-1&pageSize=9999&status=zzz&yearFrom=abc' })).statusCode).toBe(200);
        expect((await app.inject({ method: 'GET', url: '/api/v1/clauses?q=battery&pageSize=9999' })).statusCode).toBe(400);
        expect((await app.inject({ method: 'GET', url: `/api/v1/clauses?q=${'x'.repeat(600)}` })).statusCode).toBe(400);
      } finally {
        await app.close();
      }
    });

    it('renders the full-text page in both languages, escaped, linked from the catalogue search', async () => {
      const { s } = await seeded();
      const app = await buildServer(s);
      try {
        const zh = await app.inject({ method: 'GET', url: `/search/text?q=${encodeURIComponent('动力电池')}&lang=zh-CN` });
        expect(zh.body).toContain('全文检索');
        expect(zh.body).toContain('href="/std/GB-T-99001-2025/clause/4"');
        expect(zh.body).toContain('<mark>动力电池</mark>');
        const en = await app.inject({ method: 'GET', url: '/search/text?q=swapping&lang=en' });
        expect(en.body).toContain('<title>“swapping” — full-text search');
        expect(en.body).toContain('<mark>SWAPS</mark>');
        const xss = await app.inject({ method: 'GET', url: `/search/text?q=${encodeURIComponent('<script>alert(1)</script>')}&lang=en` });
        expect(xss.statusCode).toBe(200);
        expect(xss.body).not.toContain('<script>alert');
        const cat = await app.inject({ method: 'GET', url: '/search?q=battery&lang=en' });
        expect(cat.body).toContain('href="/search/text?q=battery"');
        const api = (await app.inject({ method: 'GET', url: '/api/v1/clauses?q=swapping' })).json() as { total: number; items: { id: string; hits: { permalink: string }[] }[] };
        expect(api.total).toBe(1);
        expect(api.items[0].hits.map((h) => h.permalink)).toContain('/std/T-CAS-7-2024/clause/3');
        const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
        expect(Object.keys(doc.paths)).toContain('/api/v1/clauses');
      } finally {
        await app.close();
      }
    });
  });

  describe('clauseSnippet', () => {
    it('picks the window with the most query terms, cut at word boundaries, from the original text', () => {
      const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(12);
      const original = `${filler}The RETRANSMISSION timer\n   restarts when the congestion window grows. ${filler}`;
      const h = clauseSnippet(original, ['retransmission', 'congestion']);
      expect(marked(h)).toEqual(['RETRANSMISSION', 'congestion']);
      expect(h[0]).toEqual({ text: '…', hit: false });
      expect(h[h.length - 1]).toEqual({ text: '…', hit: false });
      const inner = text(h.slice(1, -1));
      expect(collapse(original)).toContain(inner);
      expect(inner.length).toBeLessThanOrEqual(220);
      // Starts at a word.
      expect(collapse(original)).toMatch(new RegExp(`(^| )${inner.slice(0, 10).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    });

    it('uses a narrower window for Chinese and marks the words found', () => {
      const original = `${'本标准规定了一般要求。'.repeat(20)}换电站的动力电池温度应受到监测。${'其他内容不相关。'.repeat(20)}`;
      const h = clauseSnippet(original, ['动力电池', '温度']);
      // Adjacent matches may form one mark: compare the marked text.
      expect(marked(h).join('')).toBe('动力电池温度');
      expect(text(h.slice(1, -1)).length).toBeLessThanOrEqual(110);
    });

    it('returns short text whole, and the start of the text when nothing matches', () => {
      expect(clauseSnippet('Short text.', ['none'])).toEqual([{ text: 'Short text.', hit: false }]);
      const long = 'word '.repeat(200);
      const h = clauseSnippet(long, ['absent']);
      expect(text(h).startsWith('word word')).toBe(true);
    });
  });

  const INDEX = sharedData('ietf-rfc/rfc-index.txt');
  const SAMPLES = sharedData('ietf-rfc/sample-txt');

  describe.skipIf(!INDEX || !SAMPLES)(`ClauseSearch contract: ${name}, over real RFC texts (ietf-rfc/sample-txt via the rfc-text importer)`, () => {
    it('finds clauses by stemmed words, groups them by RFC, links the clause and highlights the original text', async () => {
      const s = await services();
      const numbers = new Set(readdirSync(SAMPLES!).map((f) => /^rfc(\d+)\.txt$/.exec(f)).filter((m) => m).map((m) => Number(m![1])));
      const records: StandardRecord[] = [];
      for (const raw of splitIndex(readFileSync(INDEX!, 'utf8')).entries) {
        const { entry } = parseEntry(raw);
        if (entry && !entry.notIssued && numbers.has(entry.number)) records.push(entryToRecord(entry, 'rfc-index.txt'));
      }
      await s.catalogue.upsertMany(records, { actor: 'test' });
      const report = await runImport(s, 'rfc-text', SAMPLES!);
      expect(report.counts.created).toBe(numbers.size);
      const rows = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM clause_row`.execute(s.db)).rows[0].n);
      expect(rows).toBeGreaterThan(1000);

      const r: ClauseSearchResult = await s.clauses.search({ q: 'idempotent methods', filters: {}, page: 1, pageSize: 10 });
      const ids = r.groups.map((g) => g.standard.id);
      expect(ids).toContain('RFC-7231');
      const g7231 = r.groups.find((g) => g.standard.id === 'RFC-7231')!;
      const top = g7231.hits[0];
      expect(top.permalink).toBe(`/std/RFC-7231/clause/${top.anchor}`);
      expect(top.num).toBe(top.anchor);
      // Marks are words of the original text ("Idempotent", "methods"), stemmed matches included.
      const marks = [...g7231.hits.flatMap((h) => marked(h.snippet)), ...g7231.hits.flatMap((h) => marked(h.titleHighlight))].map((m) => m.toLowerCase());
      expect(marks.some((m) => m.startsWith('idempot'))).toBe(true);
      const section = await s.content.section('RFC-7231', top.anchor);
      const inner = text(top.snippet).replace(/^…|…$/g, '');
      expect(collapse(JSON.stringify(section) ? sectionText(section!.section) : '')).toContain(inner);

      // Re-import: unchanged documents, same index rows.
      const again = await runImport(s, 'rfc-text', SAMPLES!);
      expect(again.counts.unchanged).toBe(numbers.size);
      expect(Number((await sql<{ n: number }>`SELECT count(*) AS n FROM clause_row`.execute(s.db)).rows[0].n)).toBe(rows);

      // Facets: the RFCs' statuses, and a filter that keeps only one of them.
      const tcp = await s.clauses.search({ q: 'retransmission timeout', filters: {}, page: 1, pageSize: 10 });
      expect(tcp.groups.length).toBeGreaterThan(0);
      const status = tcp.facets.status[0].value;
      const filtered = await s.clauses.search({ q: 'retransmission timeout', filters: { status: [status] }, page: 1, pageSize: 10 });
      expect(filtered.groups.every((g) => g.standard.status === status)).toBe(true);
      expect(filtered.total).toBe(tcp.facets.status[0].count);

      // A number query: the catalogue record first.
      const num = await s.clauses.search({ q: 'RFC 793', filters: {}, page: 1, pageSize: 10 });
      expect(num.catalogue[0]?.id).toBe('RFC-793');
    });
  });

  /** The whitespace-collapsed own text of a section as the store flattens it (title excluded). */
  function sectionText(sec: { blocks: Parameters<typeof blocksText>[0] }): string {
    return collapse(blocksText(sec.blocks));
  }

  describe(`ClauseSearch contract: ${name}, on the demo data`, () => {
    it('finds a Chinese clause of the demo standard', async () => {
      const s = await services();
      // Only the demo standard's own record (the relaton step) and its texts: the whole demo is not needed here.
      for (const step of demoSteps().filter((x) => x.importer === 'relaton')) await runImport(s, step.importer, step.source);
      expect((await loadDemoTexts(s)).length).toBeGreaterThan(0);
      const r = await s.clauses.search({ q: '题录元数据', filters: {}, page: 1, pageSize: 10 });
      expect(r.groups.length).toBeGreaterThan(0);
      const hit = r.groups[0].hits[0];
      expect(hit.lang).toBe('zh');
      expect(marked(hit.snippet).join('')).toContain('元数据');
      expect(hit.permalink.startsWith(`/std/${encodeURIComponent(r.groups[0].standard.id)}/clause/`)).toBe(true);
    });
  });
}
