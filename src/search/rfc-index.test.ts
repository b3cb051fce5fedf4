import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/container.js';
import { runImport } from '../importers/runner.js';
import { sharedData } from '../testing/shared-data.js';
import { testServices } from '../testing/services.js';
import type { SearchQuery, SearchResult } from './ports.js';

const RFC_INDEX = sharedData('ietf-rfc/rfc-index.txt');

/** Search over the whole real RFC index (10,018 entries), imported through the rfc-index importer. */
describe.skipIf(!RFC_INDEX)('catalogue search over the full RFC index', () => {
  let s: Services & { dir: string };

  beforeAll(async () => {
    s = await testServices();
    const report = await runImport(s, 'rfc-index', RFC_INDEX!);
    expect(report.counts.created).toBeGreaterThan(10_000);
  });
  afterAll(async () => {
    await s?.close();
  });

  const q = (text: string, extra: Partial<SearchQuery> = {}): Promise<SearchResult> =>
    s.search.search({ q: text, filters: {}, sort: 'relevance', page: 1, pageSize: 10, ...extra });
  const ids = (r: SearchResult) => r.items.map((i) => i.id);

  it.each([
    ['rfc9110', 'RFC-9110'],
    ['RFC 2616', 'RFC-2616'],
    ['ｒｆｃ７９１', 'RFC-791'],
    ['791', 'RFC-791'],
    ['BCP 14', 'RFC-2119'],
  ])('puts the identifier %s first', async (text, id) => {
    const r = await q(text);
    if (text === 'BCP 14') {
      // BCP 14 is a sub-series, not a record: its RFCs say they are part of it ("Also BCP 14" in the index).
      expect(ids(r).slice(0, 2).sort()).toEqual(['RFC-2119', 'RFC-8174']);
      expect(r.items[0].matchedBy).toBe('number');
    } else {
      expect(r.items[0].id).toBe(id);
      expect(r.items[0].matchedBy).toBe('number');
    }
  });

  it('ranks short, current titles first for topic words', async () => {
    expect(ids(await q('http semantics'))[0]).toBe('RFC-9110');
    expect(ids(await q('json data interchange format'))[0]).toBe('RFC-8259');
    // RFC 9846 (2026) obsoletes RFC 8446 under the same title: the one in force first; the old one follows the
    // current TLS/DTLS 1.3 documents, pointing at its successor.
    const tls = await q('transport layer security version 1.3');
    expect(tls.items[0].id).toBe('RFC-9846');
    const old = tls.items.slice(0, 5).find((i) => i.id === 'RFC-8446');
    expect(old?.successors.map((x) => x.id)).toEqual(['RFC-9846']);
  });

  it('follows the HTTP lineage from RFC 2616', async () => {
    const rfc2616 = (await q('RFC 2616')).items[0];
    expect(rfc2616.status).toBe('obsoleted');
    expect(rfc2616.successors.map((x) => x.id).sort()).toEqual(['RFC-7230', 'RFC-7231', 'RFC-7232', 'RFC-7233', 'RFC-7234', 'RFC-7235']);
    const rfc7231 = (await q('RFC 7231')).items[0];
    expect(rfc7231.successors.map((x) => x.id)).toEqual(['RFC-9110']);
  });

  it('counts facets over the whole match set', async () => {
    const r = await q('http', { pageSize: 1 });
    expect(r.total).toBeGreaterThan(100);
    expect(r.facets.body).toEqual([{ value: 'IETF', count: r.total }]);
    const byStatus = r.facets.status.reduce((n, f) => n + f.count, 0);
    expect(byStatus).toBe(r.total);
    const current = await q('http', { filters: { status: ['current'] }, pageSize: 100 });
    expect(current.total).toBe(r.facets.status.find((f) => f.value === 'current')?.count);
    expect(current.items.every((i) => i.status === 'current')).toBe(true);
  });

  it('browses the newest RFCs without a query', async () => {
    const r = await q('', { sort: 'newest', filters: { body: ['IETF'] }, pageSize: 5 });
    expect(r.total).toBeGreaterThan(10_000);
    const years = r.items.map((i) => i.year ?? 0);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(years[0]).toBeGreaterThanOrEqual(2025);
  });
});
