import type { FastifyInstance } from 'fastify';
import { clauseAccessOf } from '../reader/disclosure.js';
import type { Services } from '../app/container.js';
import { AppError } from '../kernel/errors.js';
import type { ClauseGroup } from '../search/clause/ports.js';
import { MAX_PAGE_SIZE } from '../search/clause/engine.js';
import { API_LIMITS, parseSearchQuery } from './params.js';

/** Standards per page of clause results when pageSize is not given. */
const DEFAULT_PAGE_SIZE = 10;

function toGroup(g: ClauseGroup) {
  const s = g.standard;
  return {
    id: s.id,
    number: s.number,
    title: s.titles,
    status: s.status,
    body: s.body,
    docType: s.docType,
    nature: s.nature,
    year: s.year,
    clauseCount: g.clauseCount,
    hits: g.hits.map((h) => ({ anchor: h.anchor, num: h.num, title: h.title, lang: h.lang, permalink: h.permalink, titleHighlight: h.titleHighlight, snippet: h.snippet })),
  };
}

/**
 * GET /v1/clauses — clause full-text search: standards with matching clauses, each with its best clauses
 * (number, title, permalink, a snippet highlighted from the original text), the catalogue's filters and facets,
 * and, for a standard-number query, the catalogue's number matches first. Parameters are validated like
 * /v1/search (400 invalid_query); the query text itself never causes an error. Registered inside the API plugin.
 */
export function clauseApiRoutes(app: FastifyInstance, services: Services): void {
  app.get('/v1/clauses', { config: { policy: 'public' } }, async (req) => {
    const raw = req.query as Record<string, unknown>;
    const query = parseSearchQuery(raw);
    if (raw.pageSize === undefined) query.pageSize = DEFAULT_PAGE_SIZE;
    if (query.pageSize > MAX_PAGE_SIZE)
      throw new AppError('invalid_query', `Invalid query parameter "pageSize": at most ${MAX_PAGE_SIZE}`, { param: 'pageSize', reason: 'out_of_range' });
    const r = await services.clauses.search({ q: query.q, filters: query.filters, page: query.page, pageSize: query.pageSize, access: clauseAccessOf(req.principal) });
    const e = encodeURIComponent;
    return {
      total: r.total,
      clauses: r.clauses,
      exact: r.exact,
      page: r.page,
      pageSize: r.pageSize,
      catalogue: r.catalogue.map((h) => ({ id: h.id, number: h.number, title: h.titles, status: h.status, href: `/std/${e(h.id)}` })),
      items: r.groups.map(toGroup),
      facets: r.facets,
      interpreted: r.interpreted,
    };
  });
}

type Schema = Record<string, unknown>;
const str: Schema = { type: 'string' };
const nstr: Schema = { type: ['string', 'null'] };
const int: Schema = { type: 'integer' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const highlight: Schema = { type: 'array', items: { type: 'object', properties: { text: str, hit: { type: 'boolean' } }, required: ['text', 'hit'] }, description: 'Pieces of the ORIGINAL text; hit marks a match. Escape each piece.' };
const langMap: Schema = { type: 'object', additionalProperties: str };
const obj = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties, required: Object.keys(properties) });

/** OpenAPI schemas of the clause search response (merged into components.schemas by openapi.ts). */
export const clauseSchemas: Record<string, Schema> = {
  ClauseSearchResponse: obj({
    total: { ...int, description: 'Standards with a matching clause (after filters).' },
    clauses: { ...int, description: 'Matching clauses considered.' },
    exact: { type: 'boolean', description: 'False when the query matched more clauses than are ranked (the most recent are).' },
    page: int,
    pageSize: int,
    catalogue: { type: 'array', description: 'Standard-number matches from the catalogue (identifier queries).', items: obj({ id: str, number: str, title: langMap, status: str, href: str }) },
    items: {
      type: 'array',
      items: obj({
        id: str,
        number: str,
        title: langMap,
        status: str,
        body: str,
        docType: str,
        nature: nstr,
        year: { type: ['integer', 'null'] },
        clauseCount: int,
        hits: { type: 'array', items: obj({ anchor: str, num: nstr, title: str, lang: str, permalink: { ...str, examples: ['/std/RFC-9110/clause/9.3.1'] }, titleHighlight: highlight, snippet: highlight }) },
      }),
    },
    facets: { type: 'object', additionalProperties: { type: 'array', items: obj({ value: str, count: int }) } },
    interpreted: obj({ identifier: nstr, terms: { type: 'array', items: str } }),
  }),
};

/** OpenAPI path of the clause search (merged into paths by openapi.ts). */
export function clausePaths(prefix: string): Record<string, unknown> {
  const list = (name: string, description: string): Schema => ({
    name,
    in: 'query',
    description: `${description} Repeat the parameter or give a comma-separated list.`,
    style: 'form',
    explode: true,
    schema: { type: 'array', maxItems: API_LIMITS.valuesPerFilter, items: { type: 'string', maxLength: API_LIMITS.valueChars } },
  });
  const q = (name: string, description: string, schema: Schema): Schema => ({ name, in: 'query', description, schema });
  return {
    [`${prefix}/v1/clauses`]: {
      get: {
        operationId: 'searchClauses',
        summary: 'Full-text search in the clauses of stored texts, grouped by standard, with the catalogue filters',
        tags: ['catalogue'],
        parameters: [
          q('q', 'Words in any language (English is stemmed, Chinese segmented), or a standard number (catalogue matches come first).', { type: 'string', maxLength: API_LIMITS.qChars }),
          list('body', 'Publishing body codes.'),
          list('status', 'Status codes.'),
          list('nature', 'Nature of a Chinese standard.'),
          list('docType', 'Document types.'),
          q('ics', 'ICS code or prefix.', str),
          q('ccs', 'CCS code or prefix.', str),
          q('yearFrom', 'First year (inclusive).', { type: 'integer', minimum: 1000, maximum: 9999 }),
          q('yearTo', 'Last year (inclusive).', { type: 'integer', minimum: 1000, maximum: 9999 }),
          q('page', '1-based page of standards.', { type: 'integer', minimum: 1, default: 1 }),
          q('pageSize', 'Standards per page.', { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
        ],
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: ref('ClauseSearchResponse') } } },
          '400': { description: 'invalid_query', content: { 'application/json': { schema: ref('Error') } } },
        },
      },
    },
  };
}
