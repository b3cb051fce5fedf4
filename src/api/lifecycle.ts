import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import { scopesFor } from '../accounts/policy.js';
import { primaryIdentifier } from '../catalogue/model.js';
import { identifierFamily } from '../catalogue/normalise.js';
import { AppError } from '../kernel/errors.js';
import { assertAsOf, type StatusAsOf } from '../lifecycle/service.js';
import { disclosureDeadlines, overdueReviews } from '../lifecycle/worklists.js';
import { API_LIMITS } from './params.js';

/** One query parameter as a single bounded string (repeated or over-long values are refused, not truncated). */
function param(query: unknown, name: string, max: number): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new AppError('invalid_query', `${name} must be given once`, { param: name });
  if (v.length > max) throw new AppError('invalid_query', `${name} is at most ${max} characters`, { param: name });
  return v;
}

/** asOf from the query: a calendar date YYYY-MM-DD (invalid_query otherwise), today when absent. */
function asOfParam(services: Services, query: unknown): string {
  const v = param(query, 'asOf', 40);
  if (v === undefined) return services.lifecycle.dayOf();
  assertAsOf(v);
  return v;
}

/** The API shape of a status answer (facts without internal bookkeeping). */
function statusJson(s: StatusAsOf, number: string) {
  return {
    id: s.id,
    number,
    asOf: s.asOf,
    status: s.status,
    phase: s.phase,
    since: s.since,
    basis: s.basis,
    sourceStatus: s.sourceStatus,
    statusSource: s.statusSource,
    replaced: s.replaced,
    replacedBy: s.replacedBy,
    facts: s.facts.map((f) => ({ type: f.type, date: f.date, related: f.related, source: f.source, inEffect: f.inEffect })),
  };
}

/**
 * Routes of the API: a standard's status as of a date, which edition of a family was current on a date, and the
 * editors' work lists (overdue reviews, disclosure deadlines) scoped to their publishers.
 */
export function lifecycleApi(app: FastifyInstance, services: Services): void {
  const resolve = async (text: string) => {
    if (text.length > API_LIMITS.idChars) throw new AppError('invalid_identifier', `A standard number or id is at most ${API_LIMITS.idChars} characters`);
    const record = await services.catalogue.resolve(text);
    if (!record) throw new AppError('standard_not_found', `No standard matches "${text.slice(0, 100)}"`);
    return record;
  };

  app.get<{ Params: { numberOrId: string } }>('/v1/standards/:numberOrId/status', { config: { policy: 'public' } }, async (req) => {
    const asOf = asOfParam(services, req.query);
    const record = await resolve(req.params.numberOrId);
    return statusJson(await services.lifecycle.statusAsOf(record.id, asOf), primaryIdentifier(record).value);
  });

  /** The family is a family key ('GB 12955', 'ISO 9001') or any edition's number or id. */
  app.get<{ Params: { family: string } }>('/v1/families/:family/current', { config: { policy: 'public' } }, async (req) => {
    const asOf = asOfParam(services, req.query);
    const text = req.params.family.trim();
    if (!text || text.length > API_LIMITS.idChars) throw new AppError('invalid_identifier', `A family is 1–${API_LIMITS.idChars} characters`);
    let family = text.toUpperCase();
    let editions = await services.catalogue.editions(family);
    if (!editions.length) {
      const record = await services.catalogue.resolve(text);
      if (!record) throw new AppError('standard_not_found', `No standard family matches "${text.slice(0, 100)}"`);
      const number = primaryIdentifier(record).value;
      family = identifierFamily(number) ?? number.toUpperCase();
      editions = await services.catalogue.editions(family);
    }
    const numbers = new Map(editions.map((e) => [e.id, e.number]));
    const r = await services.lifecycle.familyAsOf(editions.map((e) => e.id), asOf);
    const brief = (s: StatusAsOf) => ({ id: s.id, number: numbers.get(s.id) ?? s.id, status: s.status, since: s.since, basis: s.basis, replaced: s.replaced, replacedBy: s.replacedBy });
    return { family, asOf, current: r.current.map(brief), editions: r.editions.map(brief) };
  });

  app.get('/v1/lifecycle/reviews/overdue', { config: { policy: { action: 'lifecycle.manage' } } }, async (req) => {
    const scope = scopesFor(req.principal, 'lifecycle.manage', 'publisher');
    const today = services.lifecycle.dayOf();
    return { today, reviewYears: services.config.REVIEW_YEARS, ...(await overdueReviews(services.db, services.lifecycle, { scope, today })) };
  });

  app.get('/v1/lifecycle/deadlines', { config: { policy: { action: 'lifecycle.manage' } } }, async (req) => {
    const scope = scopesFor(req.principal, 'lifecycle.manage', 'publisher');
    const today = services.lifecycle.dayOf();
    return { today, ...(await disclosureDeadlines(services.db, services.lifecycle, { scope, today })) };
  });
}

/** The OpenAPI paths of these routes (merged into the document by src/api/openapi.ts). */
export function lifecyclePaths(prefix: string): Record<string, unknown> {
  const tags = ['lifecycle'];
  const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
  const err = (description: string) => json(description, { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } });
  const asOf = { name: 'asOf', in: 'query', required: false, description: 'Calendar date YYYY-MM-DD (default: today in LIFECYCLE_TIME_ZONE).', schema: { type: 'string', format: 'date', maxLength: 10 } };
  const related = { type: 'object', properties: { id: { type: 'string' }, number: { type: ['string', 'null'] }, date: { type: 'string' } } };
  const fact = {
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['approved', 'released', 'implemented', 'replaced', 'abolished', 'withdrawn', 'reviewed'] },
      date: { type: 'string', description: 'YYYY-MM-DD, or YYYY-MM where the source gives only the month.' },
      related: { type: ['string', 'null'] },
      source: { type: 'string' },
      inEffect: { type: 'boolean' },
    },
  };
  const status = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      number: { type: 'string' },
      asOf: { type: 'string', format: 'date' },
      status: { type: ['string', 'null'], description: 'Status code (vocabulary status) on asOf; null when no recorded fact puts the standard in existence by then.' },
      phase: { type: ['string', 'null'] },
      since: { type: ['string', 'null'] },
      basis: { type: 'string', enum: ['facts', 'source'], description: "'source': no dated fact decides it; the source's status stands." },
      sourceStatus: { type: ['string', 'null'] },
      statusSource: { type: ['string', 'null'] },
      replaced: { type: 'array', items: related },
      replacedBy: { oneOf: [related, { type: 'null' }] },
      facts: { type: 'array', items: fact },
    },
  };
  const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', maxLength: API_LIMITS.idChars } });
  const bad = err('invalid_query: asOf is not a calendar date YYYY-MM-DD.');
  const editorsOnly = 'Editors (lifecycle.manage), scoped to their publishers.';
  return {
    [`${prefix}/v1/standards/{numberOrId}/status`]: {
      get: {
        operationId: 'getStandardStatusAsOf',
        summary: 'A standard’s status on a date, computed from dated facts, with what it replaced and what replaced it',
        tags,
        parameters: [pathParam('numberOrId', 'Standard number in any form, or id.'), asOf],
        responses: { '200': json('Status as of the date', status), '400': bad, '404': err('standard_not_found') },
      },
    },
    [`${prefix}/v1/families/{family}/current`]: {
      get: {
        operationId: 'getFamilyCurrentAsOf',
        summary: 'Which edition of a family was current on a date',
        tags,
        parameters: [pathParam('family', "Family key ('GB 12955', 'ISO 9001') or any edition's number or id."), asOf],
        responses: {
          '200': json('The editions in force on the date, and every edition with its status then', { type: 'object', properties: { family: { type: 'string' }, asOf: { type: 'string' }, current: { type: 'array', items: { type: 'object' } }, editions: { type: 'array', items: { type: 'object' } } } }),
          '400': bad,
          '404': err('standard_not_found'),
        },
      },
    },
    [`${prefix}/v1/lifecycle/reviews/overdue`]: {
      get: {
        operationId: 'listOverdueReviews',
        summary: 'Standards in force whose systematic review is overdue (REVIEW_YEARS after implementation or the last confirmation)',
        description: editorsOnly,
        tags,
        responses: { '200': json('Overdue reviews, oldest due first'), '401': err('unauthenticated'), '403': err('forbidden') },
      },
    },
    [`${prefix}/v1/lifecycle/deadlines`]: {
      get: {
        operationId: 'listDisclosureDeadlines',
        summary: 'Approved standards whose text is not yet stored, with their disclosure deadline (working days after approval)',
        description: editorsOnly,
        tags,
        responses: { '200': json('Texts due and overdue, most urgent first'), '401': err('unauthenticated'), '403': err('forbidden') },
      },
    },
  };
}
