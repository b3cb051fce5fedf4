import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import { AppError } from '../kernel/errors.js';
import { isUsageKind, USAGE_KINDS, USAGE_THRESHOLDS } from '../usage/model.js';
import { USAGE_LIMITS } from '../usage/service.js';

/** An optional integer query parameter within [min, max]; 400 invalid_query otherwise. */
function intParam(q: Record<string, unknown>, name: string, min: number, max: number, dflt: number): number {
  const v = q[name];
  if (v === undefined) return dflt;
  if (Array.isArray(v)) throw new AppError('invalid_query', `${name} is given more than once`, { param: name, reason: 'repeated' });
  if (typeof v !== 'string' || !/^\d{1,6}$/.test(v)) throw new AppError('invalid_query', `${name} must be an integer`, { param: name, reason: 'bad_format' });
  const n = Number(v);
  if (n < min || n > max) throw new AppError('invalid_query', `${name} must be between ${min} and ${max}`, { param: name, reason: 'out_of_range' });
  return n;
}

/**
 * GET /v1/usage/{summary,monthly,top,thresholds,breakdown} — usage statistics as JSON (the numbers of the /stats
 * page). Registered inside the API plugin, so paths carry its prefix; documented in openapi.ts (usagePaths).
 */
export function usageApiRoutes(app: FastifyInstance, services: Services): void {
  const usage = services.usage;
  app.get('/v1/usage/summary', { config: { policy: 'public' } }, async () => usage.summary());
  app.get('/v1/usage/monthly', { config: { policy: 'public' } }, async (req) => {
    const months = intParam(req.query as Record<string, unknown>, 'months', 1, USAGE_LIMITS.maxMonths, USAGE_LIMITS.defaultMonths);
    return { items: await usage.monthly(months) };
  });
  app.get('/v1/usage/top', { config: { policy: 'public' } }, async (req) => {
    const q = req.query as Record<string, unknown>;
    const kind = q.kind ?? 'download';
    if (!isUsageKind(kind)) throw new AppError('invalid_query', `kind must be one of ${USAGE_KINDS.join(', ')}`, { param: 'kind', reason: 'not_allowed' });
    const limit = intParam(q, 'limit', 1, USAGE_LIMITS.maxTop, USAGE_LIMITS.defaultTop);
    return { kind, items: await usage.top(kind, limit) };
  });
  app.get('/v1/usage/thresholds', { config: { policy: 'public' } }, async () => ({ thresholds: [...USAGE_THRESHOLDS], items: await usage.thresholds() }));
  app.get('/v1/usage/breakdown', { config: { policy: 'public' } }, async (req) => {
    const by = (req.query as Record<string, unknown>).by ?? 'nature';
    if (by !== 'nature' && by !== 'ics' && by !== 'ccs') throw new AppError('invalid_query', 'by must be nature, ics or ccs', { param: 'by', reason: 'not_allowed' });
    return { by, items: await usage.breakdown(by) };
  });
}

type Schema = Record<string, unknown>;
const int: Schema = { type: 'integer' };
const kindEnum: Schema = { type: 'string', enum: [...USAGE_KINDS] };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const ok = (name: string) => ({ description: 'OK', content: { 'application/json': { schema: ref(name) } } });
const bad = { description: 'invalid_query', content: { 'application/json': { schema: ref('Error') } } };
const counts = { view: int, read: int, download: int };
const obj = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...(description ? { description } : {}),
});

/** OpenAPI schemas of the usage responses (merged into components.schemas by openapi.ts). */
export const usageSchemas: Record<string, Schema> = {
  UsageSummary: obj({
    totals: {
      type: 'array',
      items: obj({ kind: kindEnum, count: int, bots: int, visitorDays: { ...int, description: 'Sum over days of distinct visitors that day.' } }),
    },
    visitorsToday: int,
    standards: { ...int, description: 'Standards with at least one (non-bot) event.' },
    firstDay: { type: ['string', 'null'] },
    lastDay: { type: ['string', 'null'] },
    recorder: obj({ recorded: int, flushed: int, dropped: int, pending: int, flushes: int, failures: int, lastError: { type: ['string', 'null'] } }, 'Counters of this server process.'),
  }),
  UsageMonthly: obj({ items: { type: 'array', items: obj({ month: { type: 'string', examples: ['2026-11'] }, ...counts, bots: int, visitorDays: int }) } }),
  UsageTop: obj({
    kind: kindEnum,
    items: {
      type: 'array',
      items: obj({ id: { type: 'string' }, number: { type: ['string', 'null'] }, titles: ref('LangMap'), nature: { type: ['string', 'null'] }, ...counts }),
    },
  }),
  UsageThresholds: obj({
    thresholds: { type: 'array', items: int },
    items: { type: 'array', items: obj({ kind: kindEnum, passed: { type: 'object', additionalProperties: int, description: 'threshold → standards at or above it' } }) },
  }),
  UsageBreakdown: obj({
    by: { type: 'string', enum: ['nature', 'ics', 'ccs'] },
    items: {
      type: 'array',
      items: obj({ key: { type: 'string', description: "Nature code, top-level ICS/CCS code, or '' for none." }, titles: ref('LangMap'), standards: int, ...counts }),
    },
  }),
};

/** OpenAPI path items of the usage routes under `prefix` (merged into paths by openapi.ts). */
export function usagePaths(prefix: string): Record<string, unknown> {
  const get = (operationId: string, summary: string, schema: string, parameters: Schema[] = []) => ({
    get: { operationId, summary, tags: ['usage'], parameters, responses: { '200': ok(schema), ...(parameters.length ? { '400': bad } : {}) } },
  });
  const q = (name: string, description: string, schema: Schema): Schema => ({ name, in: 'query', description, schema });
  return {
    [`${prefix}/v1/usage/summary`]: get('getUsageSummary', 'Totals of page views, online reads and downloads (bots apart)', 'UsageSummary'),
    [`${prefix}/v1/usage/monthly`]: get('getUsageMonthly', 'Counts per month, the last N months up to the current one', 'UsageMonthly', [
      q('months', 'Number of months.', { type: 'integer', minimum: 1, maximum: USAGE_LIMITS.maxMonths, default: USAGE_LIMITS.defaultMonths }),
    ]),
    [`${prefix}/v1/usage/top`]: get('getUsageTop', 'Most used standards by one kind', 'UsageTop', [
      q('kind', 'What to rank by.', { ...kindEnum, default: 'download' }),
      q('limit', 'Items.', { type: 'integer', minimum: 1, maximum: USAGE_LIMITS.maxTop, default: USAGE_LIMITS.defaultTop }),
    ]),
    [`${prefix}/v1/usage/thresholds`]: get('getUsageThresholds', 'How many standards passed 100 / 1,000 / 10,000 of each kind', 'UsageThresholds'),
    [`${prefix}/v1/usage/breakdown`]: get('getUsageBreakdown', 'Counts by nature (mandatory / recommended) or top-level ICS / CCS category', 'UsageBreakdown', [
      q('by', 'Grouping.', { type: 'string', enum: ['nature', 'ics', 'ccs'], default: 'nature' }),
    ]),
  };
}
