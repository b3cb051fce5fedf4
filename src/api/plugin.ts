import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';
import { primaryIdentifier, type StandardRecord } from '../catalogue/model.js';
import { identifierFamily } from '../catalogue/normalise.js';
import { vocabulary } from '../catalogue/vocabularies.js';
import { AppError } from '../kernel/errors.js';
import type { SearchHit } from '../search/ports.js';
import { openApiDocument } from './openapi.js';
import { usageApiRoutes } from './usage.js';
import { clauseApiRoutes } from './clauses.js';
import { isPersonActor } from '../audit/service.js';
import { accountApi } from './account.js';
import { editorApi } from './editor.js';
import { auditApi } from './audit.js';
import { lifecycleApi } from './lifecycle.js';
import { bulletinApi } from './bulletins.js';
import { alertApi } from './alerts.js';
import { API_LIMITS, parseSearchQuery, VOCAB_KINDS } from './params.js';

/** The classification schemes the API serves. */
export const SCHEMES = ['ics', 'ccs'] as const;

/** Options of the API plugin: the composition root's services. */
export interface ApiPluginOptions {
  services: Services;
}

/** One search hit as the API shows it (the port's SearchHit with `titles` renamed `title`, score left out). */
export interface ApiSearchItem {
  id: string;
  number: string;
  title: Record<string, string>;
  status: string;
  body: string;
  docType: string;
  nature: string | null;
  year: number | null;
  matchedBy: SearchHit['matchedBy'];
  successors: SearchHit['successors'];
  highlights: SearchHit['highlights'];
}

function toItem(h: SearchHit): ApiSearchItem {
  return {
    id: h.id,
    number: h.number,
    title: h.titles,
    status: h.status,
    body: h.body,
    docType: h.docType,
    nature: h.nature,
    year: h.year,
    matchedBy: h.matchedBy,
    successors: h.successors,
    highlights: h.highlights,
  };
}

/**
 * The public REST API (JSON), registered by the web server with `{ prefix: '/api', services }`. Routes are thin:
 * they validate input, call a port and shape the answer. Errors are thrown as AppError and rendered by the server's
 * one error handler as `{ error, message }` with the catalogue's HTTP status, so nothing here knows about statuses.
 */
export async function apiPlugin(app: FastifyInstance, opts: ApiPluginOptions): Promise<void> {
  const { services } = opts;
  const prefix = app.prefix; // '/api' when registered as documented
  const base = (services.config.PUBLIC_URL ?? '').replace(/\/+$/, '');
  const apiUrl = (path: string) => `${base}${prefix}${path}`;

  /** Links of a standard: the API resource, its sub-resources and the human-readable page. */
  const linksOf = (id: string) => {
    const e = encodeURIComponent(id);
    return {
      self: apiUrl(`/v1/standards/${e}`),
      html: `${base}/std/${e}`,
      relations: apiUrl(`/v1/standards/${e}/relations`),
      editions: apiUrl(`/v1/standards/${e}/editions`),
      history: apiUrl(`/v1/standards/${e}/history`),
    };
  };

  /** Resolves a path parameter typed as a number in any form, or an id; 404 standard_not_found otherwise. */
  const resolveStandard = async (text: string): Promise<StandardRecord> => {
    if (text.length > API_LIMITS.idChars)
      throw new AppError('invalid_identifier', `A standard number or id is at most ${API_LIMITS.idChars} characters`);
    const record = await services.catalogue.resolve(text);
    if (!record) throw new AppError('standard_not_found', `No standard matches "${text.slice(0, 100)}"`);
    return record;
  };

  const schemeOf = (scheme: string): (typeof SCHEMES)[number] => {
    const s = SCHEMES.find((x) => x === scheme.toLowerCase());
    if (!s) throw new AppError('not_found', `No classification scheme "${scheme.slice(0, 20)}" (known: ${SCHEMES.join(', ')})`);
    return s;
  };

  app.get('/v1/search', { config: { policy: 'public' } }, async (req) => {
    const query = parseSearchQuery(req.query as Record<string, unknown>);
    const r = await services.search.search(query);
    return {
      total: r.total,
      page: r.page,
      pageSize: r.pageSize,
      items: r.items.map(toItem),
      facets: r.facets,
      interpreted: r.interpreted,
    };
  });

  app.get<{ Params: { numberOrId: string } }>('/v1/standards/:numberOrId', { config: { policy: 'public' } }, async (req) => {
    const standard = await resolveStandard(req.params.numberOrId);
    return { standard, links: linksOf(standard.id) };
  });

  app.get<{ Params: { numberOrId: string } }>('/v1/standards/:numberOrId/relations', { config: { policy: 'public' } }, async (req) => {
    const s = await resolveStandard(req.params.numberOrId);
    return { id: s.id, number: primaryIdentifier(s).value, items: await services.catalogue.relations(s.id) };
  });

  app.get<{ Params: { numberOrId: string } }>('/v1/standards/:numberOrId/editions', { config: { policy: 'public' } }, async (req) => {
    const s = await resolveStandard(req.params.numberOrId);
    const number = primaryIdentifier(s).value;
    // The same family key the store writes: the parser's, else the number itself (a family of one).
    const family = identifierFamily(number) ?? number.toUpperCase();
    return { id: s.id, number, family, items: await services.catalogue.editions(family) };
  });

  app.get<{ Params: { numberOrId: string } }>('/v1/standards/:numberOrId/history', { config: { policy: 'public' } }, async (req) => {
    const s = await resolveStandard(req.params.numberOrId);
    // People are named only to those the audit rules allow (src/audit); importers and jobs are always named.
    const rows = await services.audit.standardHistory(req.principal, s);
    const items = rows.map((r) => ({
      at: r.at,
      actor: isPersonActor(r.actor) && r.who.name === null ? null : r.actor,
      actorName: isPersonActor(r.actor) ? r.who.name : null,
      role: r.who.role,
      verb: r.verb,
      before: r.before,
      after: r.after,
    }));
    return { id: s.id, number: primaryIdentifier(s).value, items };
  });

  app.get<{ Params: { scheme: string } }>('/v1/classifications/:scheme', { config: { policy: 'public' } }, async (req) => {
    const scheme = schemeOf(req.params.scheme);
    const [items, total] = await Promise.all([
      services.classifications.children(scheme, null),
      services.classifications.count(scheme),
    ]);
    return { scheme, total, items };
  });

  app.get<{ Params: { scheme: string; code: string } }>('/v1/classifications/:scheme/:code', { config: { policy: 'public' } }, async (req) => {
    const scheme = schemeOf(req.params.scheme);
    const text = req.params.code.trim();
    const code = text.length <= API_LIMITS.codeChars ? await services.classifications.get(scheme, text) : null;
    if (!code) throw new AppError('not_found', `No ${scheme.toUpperCase()} code "${text.slice(0, API_LIMITS.codeChars)}"`);
    const [ancestors, children] = await Promise.all([
      services.classifications.ancestors(scheme, code.code),
      services.classifications.children(scheme, code.code),
    ]);
    // The node's own count is the one its parent's listing carries (itself and its descendants).
    const siblings = await services.classifications.children(scheme, code.parent);
    const self = siblings.find((n) => n.code === code.code);
    return {
      scheme,
      node: { ...code, count: self?.count ?? children.reduce((n, c) => n + c.count, 0), hasChildren: children.length > 0 },
      // ancestors() runs from the top level down to the code itself; the node is shown separately.
      ancestors: ancestors.filter((a) => a.code !== code.code),
      children,
    };
  });

  app.get('/v1/stats', { config: { policy: 'public' } }, async () => services.catalogue.stats());

  app.get('/v1/vocabularies', { config: { policy: 'public' } }, async () => ({
    items: VOCAB_KINDS.map((kind) => ({ kind, href: apiUrl(`/v1/vocabularies/${kind}`), count: vocabulary(kind).length })),
  }));

  app.get<{ Params: { kind: string } }>('/v1/vocabularies/:kind', { config: { policy: 'public' } }, async (req) => {
    const kind = VOCAB_KINDS.find((k) => k === req.params.kind);
    if (!kind) throw new AppError('not_found', `No vocabulary "${req.params.kind.slice(0, 40)}" (known: ${VOCAB_KINDS.join(', ')})`);
    return { kind, items: vocabulary(kind) };
  });

  usageApiRoutes(app, services);
  clauseApiRoutes(app, services);
  accountApi(app, services);
  editorApi(app, services);
  auditApi(app, services);
  lifecycleApi(app, services);
  bulletinApi(app, services);
  alertApi(app, services);

  // Built once: the document depends only on configuration.
  const doc = openApiDocument({ prefix, publicUrl: services.config.PUBLIC_URL });
  app.get('/openapi.json', { config: { policy: 'public' } }, async () => doc);
}
