import { readFileSync } from 'node:fs';
import { vocabulary } from '../catalogue/vocabularies.js';
import { ERROR_CATALOGUE } from '../kernel/errors.js';
import { FACET_NAMES } from '../search/ports.js';
import { API_LIMITS, SORTS, VOCAB_KINDS } from './params.js';
import { usagePaths, usageSchemas } from './usage.js';
import { clausePaths, clauseSchemas } from './clauses.js';
import { accountPaths } from './account.js';
import { editorPaths, editorSchemas } from './editor.js';
import { auditPaths } from './audit.js';
import { bulletinPaths } from './bulletins.js';
import { lifecyclePaths } from './lifecycle.js';
import { alertPaths } from './alerts.js';

/**
 * The OpenAPI 3.1 description of the public API, written by hand next to the routes (src/api/plugin.ts). A test
 * checks that every registered /api/v1 route and its path parameters appear here, so the two cannot drift apart
 * silently. Schemas use JSON Schema 2020-12, as OpenAPI 3.1 does (nullable = type: [x, 'null']).
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string, extra: Schema = {}): Schema => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const nullable = (type: string, description?: string): Schema => ({ type: [type, 'null'], ...(description ? { description } : {}) });
const arr = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), description?: string): Schema => ({
  type: 'object',
  properties,
  required,
  ...(description ? { description } : {}),
});
const codes = (kind: Parameters<typeof vocabulary>[0]) => vocabulary(kind).filter((e) => e.used).map((e) => e.code);

const LangMap: Schema = {
  type: 'object',
  description: 'Text by language tag (zh, en, fr, …).',
  additionalProperties: { type: 'string' },
  examples: [{ zh: '电动汽车换电站通用技术要求', en: 'General requirements of electric vehicle battery swap station' }],
};

const schemas: Record<string, Schema> = {
  Error: obj(
    {
      error: str('Stable error code from the error catalogue.', { enum: Object.keys(ERROR_CATALOGUE) }),
      message: str('Human-readable explanation (English).'),
      details: { type: 'object', description: 'Safe machine-readable details; for invalid_query: { param, reason }.' },
    },
    ['error', 'message'],
  ),
  LangMap,
  Highlight: arr(obj({ text: str(), hit: { type: 'boolean' } }), 'A text cut into pieces; pieces with hit=true matched the query. Escape each piece when rendering.'),
  Successor: obj({ id: nullable('string'), number: str(), status: nullable('string') }, ['id', 'number', 'status']),
  SearchItem: obj({
    id: str('Stable URL id (slug of the primary number).', { examples: ['GB-T-29772-2024'] }),
    number: str('Primary standard number as printed.', { examples: ['GB/T 29772-2024'] }),
    title: ref('LangMap'),
    status: str('Status code (vocabulary "status").', { enum: codes('status') }),
    body: str('Publishing body code.', { examples: ['SAC', 'IETF'] }),
    docType: str('Document type (vocabulary "doc_type").'),
    nature: nullable('string', 'mandatory | recommended | guidance (Chinese standards only).'),
    year: nullable('integer'),
    matchedBy: str('Why the item is here: a number match ranks before text matches.', { enum: ['number', 'text'] }),
    successors: arr(ref('Successor'), 'For replaced or withdrawn standards: what replaces them.'),
    highlights: { type: 'object', additionalProperties: ref('Highlight'), description: 'Highlighted titles by language.' },
  }),
  FacetValue: obj({ value: str(), count: { type: 'integer' } }),
  SearchResponse: obj(
    {
      total: { type: 'integer' },
      page: { type: 'integer' },
      pageSize: { type: 'integer' },
      items: arr(ref('SearchItem')),
      facets: obj(Object.fromEntries(FACET_NAMES.map((f) => [f, arr(ref('FacetValue'))])), [...FACET_NAMES]),
      interpreted: obj({ identifier: nullable('string'), terms: arr(str()) }, ['identifier', 'terms'], 'How the query was understood.'),
    },
    ['total', 'page', 'pageSize', 'items', 'facets'],
  ),
  StandardRecord: obj(
    {
      id: str('Stable URL id.'),
      identifiers: arr(obj({ type: str(), value: str(), primary: { type: 'boolean' } }, ['type', 'value'])),
      body: str(),
      docType: str(),
      nature: str(undefined, { enum: codes('nature') }),
      titles: arr(obj({ lang: str(), type: str('main | title-intro | title-main | title-part | abbreviation'), text: str() })),
      dates: arr(obj({ type: str('Vocabulary "date_type".'), value: str('YYYY, YYYY-MM or YYYY-MM-DD.') })),
      status: str(undefined, { enum: codes('status') }),
      statusSource: str('The status as the source printed it.'),
      stage: str('ISO harmonized stage code.'),
      edition: str(),
      year: { type: 'integer' },
      classifications: arr(obj({ scheme: str(undefined, { enum: ['ics', 'ccs'] }), code: str() })),
      committee: str(),
      contributors: arr(obj({ role: str(), name: str(), abbreviation: str(), lang: str() }, ['role', 'name'])),
      abstracts: arr(obj({ lang: str(), text: str() })),
      relations: arr(
        obj(
          { type: str('Vocabulary "relation_type".'), target: str(), degree: str(undefined, { enum: ['IDT', 'MOD', 'NEQ'] }), note: str() },
          ['type', 'target'],
        ),
      ),
      links: arr(obj({ type: str(), url: str() }), 'Links given by the source (src, pdf, doi, …).'),
      keywords: arr(str()),
      source: obj({ importer: str(), ref: str() }),
      extra: { type: 'object', description: 'Source-specific extras kept verbatim.' },
    },
    ['id', 'identifiers', 'body', 'docType', 'titles', 'dates', 'status', 'classifications', 'contributors', 'abstracts', 'relations', 'links', 'keywords', 'source'],
    'The catalogue record, aligned with the Relaton bibliographic model.',
  ),
  StandardLinks: obj({
    self: str('This resource.'),
    html: str('The standard’s page for people.'),
    relations: str(),
    editions: str(),
    history: str(),
  }),
  StandardResponse: obj({ standard: ref('StandardRecord'), links: ref('StandardLinks') }),
  StandardSummary: obj({
    id: str(),
    number: str(),
    body: str(),
    docType: str(),
    nature: nullable('string'),
    status: str(),
    year: nullable('integer'),
    titles: ref('LangMap'),
  }),
  ResolvedRelation: obj({
    type: str('Relation type as seen from this standard (incoming relations are shown by their inverse).'),
    direction: str('out = stated on this record; in = stated on the other record.', { enum: ['out', 'in'] }),
    target: str('The other document’s number.'),
    targetId: nullable('string', 'Id of the other record when the catalogue holds it.'),
    targetStatus: nullable('string'),
    targetTitle: { oneOf: [ref('LangMap'), { type: 'null' }] },
    degree: nullable('string', 'IDT | MOD | NEQ for adoptions.'),
    note: nullable('string'),
  }),
  RelationsResponse: obj({ id: str(), number: str(), items: arr(ref('ResolvedRelation')) }),
  EditionsResponse: obj({
    id: str(),
    number: str(),
    family: str('The number without its edition year, upper-cased.'),
    items: arr(ref('StandardSummary'), 'All editions, newest first.'),
  }),
  HistoryEvent: obj({
    at: str('UTC timestamp.', { format: 'date-time' }),
    actor: nullable('string', "Who made the change ('importer:rfc-index', 'user:<id>'); null for a person whose name the caller may not see."),
    actorName: nullable('string', "The person's name, for callers allowed to read this publisher's audit log; null otherwise and for non-people."),
    role: str('The kind of actor or the role of the person (importer, system, cli, editor, admin, …).'),
    verb: str(undefined, { examples: ['standard.created', 'standard.updated'] }),
    before: { description: 'The record before the change (null on creation).' },
    after: { description: 'The record after the change (null on deletion).' },
  }),
  HistoryResponse: obj({ id: str(), number: str(), items: arr(ref('HistoryEvent'), 'Oldest first.') }),
  ClassificationCode: obj({
    scheme: str(undefined, { enum: ['ics', 'ccs'] }),
    code: str(),
    parent: nullable('string'),
    level: { type: 'integer' },
    titleEn: nullable('string'),
    titleZh: nullable('string'),
    notes: arr(str()),
    sort: { type: 'integer' },
  }),
  ClassificationNode: {
    allOf: [
      ref('ClassificationCode'),
      obj({ count: { type: 'integer', description: 'Standards classified here or below.' }, hasChildren: { type: 'boolean' } }),
    ],
  },
  ClassificationTopResponse: obj({ scheme: str(), total: { type: 'integer', description: 'Codes in the scheme.' }, items: arr(ref('ClassificationNode')) }),
  ClassificationNodeResponse: obj({
    scheme: str(),
    node: ref('ClassificationNode'),
    ancestors: arr(ref('ClassificationCode'), 'From the top level down to the parent.'),
    children: arr(ref('ClassificationNode')),
  }),
  Stats: obj({
    total: { type: 'integer' },
    byBody: arr(obj({ body: str(), count: { type: 'integer' } })),
    byStatus: arr(obj({ status: str(), count: { type: 'integer' } })),
    byBodyStatus: arr(obj({ body: str(), status: str(), count: { type: 'integer' } })),
  }),
  VocabEntry: obj(
    { code: str(), en: str(), zh: str(), used: { type: 'boolean', description: 'False for retired values.' }, inverse: str('Relation types only.') },
    ['code', 'en', 'zh', 'used'],
  ),
  VocabularyResponse: obj({ kind: str(), items: arr(ref('VocabEntry')) }),
  VocabularyKindsResponse: obj({ items: arr(obj({ kind: str(), href: str(), count: { type: 'integer' } })) }),
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ok = (schemaName: string, description = 'OK') => ({ description, content: { 'application/json': { schema: ref(schemaName) } } });

const numberOrId = {
  name: 'numberOrId',
  in: 'path',
  required: true,
  description:
    'A standard number in any typed form, URL-encoded (GB%2FT%2029772-2024, gbt%2029772 for the current edition, RFC%209110), or the id (RFC-9110).',
  schema: { type: 'string', maxLength: API_LIMITS.idChars },
  examples: { full: { value: 'GB/T 29772-2024' }, noYear: { value: 'gbt 29772' }, id: { value: 'RFC-9110' } },
};
const scheme = { name: 'scheme', in: 'path', required: true, schema: { type: 'string', enum: ['ics', 'ccs'] } };
const listParam = (name: string, description: string, values?: string[]) => ({
  name,
  in: 'query',
  description: `${description} Repeat the parameter or give a comma-separated list (at most ${API_LIMITS.valuesPerFilter} values).`,
  style: 'form',
  explode: true,
  schema: { type: 'array', maxItems: API_LIMITS.valuesPerFilter, items: { type: 'string', maxLength: API_LIMITS.valueChars, ...(values ? { enum: values } : {}) } },
});
const intParam = (name: string, description: string, minimum: number, maximum: number, dflt?: number) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'integer', minimum, maximum, ...(dflt !== undefined ? { default: dflt } : {}) },
});

const standardErrors = {
  '400': errorResponse('invalid_identifier: the parameter is too long to be a number.'),
  '404': errorResponse('standard_not_found: nothing matches the number or id.'),
};

/** Path templates (after the prefix) and their operations. Keys use OpenAPI's {param} form. */
function paths(prefix: string): Record<string, unknown> {
  const p = (path: string) => `${prefix}${path}`;
  return {
    [p('/v1/search')]: {
      get: {
        operationId: 'search',
        summary: 'Search the catalogue (numbers, titles in Chinese and English) with filters and facets',
        tags: ['catalogue'],
        parameters: [
          { name: 'q', in: 'query', description: 'Query text: a standard number or words in any language.', schema: { type: 'string', maxLength: API_LIMITS.qChars } },
          listParam('body', 'Publishing body codes (SAC, ISO, IETF, …).'),
          listParam('status', 'Status codes.', codes('status')),
          listParam('nature', 'Nature of a Chinese standard.', codes('nature')),
          listParam('docType', 'Document types.', codes('doc_type')),
          { name: 'ics', in: 'query', description: 'ICS code or prefix (13.220 matches 13.220.50).', schema: { type: 'string', pattern: '^\\d{2}(\\.\\d{3}(\\.\\d{2})?)?$' } },
          { name: 'ccs', in: 'query', description: 'CCS code (C81) or prefix (C).', schema: { type: 'string', pattern: '^[A-Za-z](\\d{2}(/\\d{2})?)?$' } },
          intParam('yearFrom', 'First year (inclusive).', 1000, 9999),
          intParam('yearTo', 'Last year (inclusive); not before yearFrom.', 1000, 9999),
          { name: 'sort', in: 'query', description: 'Order; default relevance with q, newest without.', schema: { type: 'string', enum: [...SORTS] } },
          intParam('page', '1-based page number.', 1, API_LIMITS.maxPage, 1),
          intParam('pageSize', 'Items per page.', 1, API_LIMITS.maxPageSize, API_LIMITS.defaultPageSize),
        ],
        responses: {
          '200': ok('SearchResponse'),
          '400': errorResponse('invalid_query: details.param names the parameter, details.reason says why (repeated, too_long, too_many, not_allowed, bad_format, out_of_range, bad_range).'),
        },
      },
    },
    [p('/v1/standards/{numberOrId}')]: {
      get: {
        operationId: 'getStandard',
        summary: 'One standard: the full record and its links',
        tags: ['catalogue'],
        parameters: [numberOrId],
        responses: { '200': ok('StandardResponse'), ...standardErrors },
      },
    },
    [p('/v1/standards/{numberOrId}/relations')]: {
      get: {
        operationId: 'getStandardRelations',
        summary: 'Relations of a standard, both directions, with the other side resolved when held',
        tags: ['catalogue'],
        parameters: [numberOrId],
        responses: { '200': ok('RelationsResponse'), ...standardErrors },
      },
    },
    [p('/v1/standards/{numberOrId}/editions')]: {
      get: {
        operationId: 'getStandardEditions',
        summary: 'All editions of the same standard (same number without year), newest first',
        tags: ['catalogue'],
        parameters: [numberOrId],
        responses: { '200': ok('EditionsResponse'), ...standardErrors },
      },
    },
    [p('/v1/standards/{numberOrId}/history')]: {
      get: {
        operationId: 'getStandardHistory',
        summary: 'Change history (events) of a standard record, oldest first',
        tags: ['catalogue'],
        parameters: [numberOrId],
        responses: { '200': ok('HistoryResponse'), ...standardErrors },
      },
    },
    [p('/v1/classifications/{scheme}')]: {
      get: {
        operationId: 'getClassificationTop',
        summary: 'Top level of a classification (ICS fields, CCS first-level categories) with counts',
        tags: ['classifications'],
        parameters: [scheme],
        responses: { '200': ok('ClassificationTopResponse'), '404': errorResponse('not_found: unknown scheme.') },
      },
    },
    [p('/v1/classifications/{scheme}/{code}')]: {
      get: {
        operationId: 'getClassificationNode',
        summary: 'A classification code with its ancestors and its children (with counts)',
        tags: ['classifications'],
        parameters: [
          scheme,
          { name: 'code', in: 'path', required: true, description: 'The code, URL-encoded (13.220.50, C81, A00%2F09).', schema: { type: 'string', maxLength: API_LIMITS.codeChars } },
        ],
        responses: { '200': ok('ClassificationNodeResponse'), '404': errorResponse('not_found: unknown scheme or code.') },
      },
    },
    [p('/v1/stats')]: {
      get: { operationId: 'getStats', summary: 'Counts of standards by body and status', tags: ['catalogue'], responses: { '200': ok('Stats') } },
    },
    [p('/v1/vocabularies')]: {
      get: { operationId: 'listVocabularies', summary: 'The vocabularies (value sets) the catalogue uses', tags: ['vocabularies'], responses: { '200': ok('VocabularyKindsResponse') } },
    },
    [p('/v1/vocabularies/{kind}')]: {
      get: {
        operationId: 'getVocabulary',
        summary: 'One vocabulary with zh/en labels',
        tags: ['vocabularies'],
        parameters: [
          { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: [...VOCAB_KINDS] } },
        ],
        responses: { '200': ok('VocabularyResponse'), '404': errorResponse('not_found: unknown vocabulary.') },
      },
    },
    [p('/openapi.json')]: {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        tags: ['meta'],
        responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
}

function packageVersion(): string {
  try {
    // src/api and dist/api are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The OpenAPI 3.1 document for the API mounted at `prefix` ('/api'); servers[0] is PUBLIC_URL when configured. */
export function openApiDocument(opts: { prefix?: string; publicUrl?: string } = {}): Record<string, unknown> {
  const prefix = opts.prefix ?? '/api';
  return {
    openapi: '3.1.0',
    info: {
      title: 'stdhub API',
      version: packageVersion(),
      description:
        'Read-only JSON API of a stdhub standards catalogue: search in Chinese and English, standards by number, relations, editions, history, ICS/CCS classifications, statistics and vocabularies. Errors have one shape: { error, message } with a stable error code.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // Without PUBLIC_URL the paths are relative to wherever the document was fetched from (OpenAPI's default '/').
    ...(opts.publicUrl ? { servers: [{ url: opts.publicUrl.replace(/\/+$/, '') }] } : {}),
    tags: [
      { name: 'catalogue', description: 'Standards and their records' },
      { name: 'classifications', description: 'ICS and CCS trees' },
      { name: 'vocabularies', description: 'Value sets with Chinese and English labels' },
      { name: 'usage', description: 'Usage statistics: page views, online reads, downloads' },
      { name: 'meta', description: 'About the API itself' },
      { name: 'lifecycle', description: 'Status as of a date, current edition of a family, overdue reviews, disclosure deadlines' },
      { name: 'accounts', description: 'The caller and their personal API tokens' },
      { name: 'bulletins', description: 'Approval bulletins (国家标准公告) and the impact of a standard' },
      { name: 'alerts', description: 'Watch lists, notifications and webhooks of the caller' },
      { name: 'editorial', description: 'Editorial back office: drafts, texts, disclosure, publish, withdraw, bulk import' },
    ],
    paths: { ...paths(prefix), ...usagePaths(prefix), ...clausePaths(prefix), ...editorPaths(prefix), ...auditPaths(prefix), ...bulletinPaths(prefix), ...lifecyclePaths(prefix), ...accountPaths(prefix), ...alertPaths(prefix) },
    components: { schemas: { ...schemas, ...usageSchemas, ...clauseSchemas, ...editorSchemas } },
  };
}
