import { describe, expect, it } from 'vitest';
import { LIMITS, parseSearchState, searchHref, toggled, toSearchQuery } from './search-params.js';

/** A URL's query as Fastify parses it: repeated keys become arrays. */
function queryObject(href: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URL(href, 'http://x').searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

describe('search page parameters', () => {
  it('clamps or drops malformed values instead of failing', () => {
    const s = parseSearchState({ q: 'x', page: 'abc', pageSize: '10000', yearFrom: '20x5', sort: 'evil', body: ['SAC', 'SAC', ''] });
    expect(s.page).toBe(1);
    expect(s.pageSize).toBe(LIMITS.maxPageSize);
    expect(s.yearFrom).toBeUndefined();
    expect(s.sort).toBe('relevance');
    expect(s.body).toEqual(['SAC']);
    expect(parseSearchState({ page: '-3', pageSize: '0' })).toMatchObject({ page: 1, pageSize: 1, sort: 'newest' });
    expect(parseSearchState({ page: '99999999999' }).page).toBe(1);
    expect(parseSearchState({ page: '999999' }).page).toBe(LIMITS.maxPage);
  });

  it('truncates long query text and takes the first of repeated q', () => {
    expect(parseSearchState({ q: 'a'.repeat(5000) }).q).toHaveLength(LIMITS.qChars);
    expect(parseSearchState({ q: ['first', 'second'] }).q).toBe('first');
  });

  it('round-trips through searchHref and maps to the port query', () => {
    const s = parseSearchState({ q: '防火门', body: 'SAC', status: ['current', 'replaced'], ics: '13.220', yearFrom: '2008', page: '2' });
    const back = parseSearchState(queryObject(searchHref(s)));
    expect(back).toEqual(s);
    expect(toSearchQuery(s)).toEqual({
      q: '防火门',
      filters: { body: ['SAC'], status: ['current', 'replaced'], ics: '13.220', yearFrom: 2008 },
      sort: 'relevance',
      page: 2,
      pageSize: LIMITS.defaultPageSize,
    });
  });

  it('toggles a facet value and resets paging', () => {
    const s = parseSearchState({ q: 'x', status: 'current', page: '3' });
    expect(toggled(s, 'status', 'current')).toMatchObject({ status: [], page: 1 });
    expect(toggled(s, 'status', 'replaced')).toMatchObject({ status: ['current', 'replaced'], page: 1 });
  });
});
