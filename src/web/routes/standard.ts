import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { primaryIdentifier } from '../../catalogue/model.js';
import { identifierFamily } from '../../catalogue/normalise.js';
import type { ClassificationCode } from '../../classification/ports.js';
import { AppError } from '../../kernel/errors.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { standardPage } from '../views/standard.js';
import { stdHref } from '../views/components.js';
import { standardPanels, standardTabsNav } from '../standard-panels.js';

/** Longest id or typed number we try to resolve; longer input cannot be a standard number. */
const MAX_ID = 200;

async function show(services: Services, req: FastifyRequest, reply: FastifyReply, id: string) {
  if (!id || id.length > MAX_ID) throw new AppError('standard_not_found');
  const record = (await services.catalogue.get(id)) ?? (await services.catalogue.resolve(id));
  if (!record) throw new AppError('standard_not_found');
  if (record.id !== id) {
    // A typed number ('GB/T 12955-2024', 'rfc9110') or a number without year: one canonical URL per record.
    const qs = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return reply.redirect(stdHref(record.id) + qs, 301);
  }
  const ctx = pageContext(req, reply, services);
  const number = primaryIdentifier(record).value;
  const family = identifierFamily(number) ?? number.toUpperCase();
  const [relations, editions, history, texts] = await Promise.all([
    services.catalogue.relations(record.id),
    services.catalogue.editions(family),
    services.catalogue.history(record.id),
    services.content.list(record.id),
  ]);
  const textLangs = [...new Set(texts.map((x) => x.lang))];
  const classTitles = new Map<string, ClassificationCode | null>();
  for (const c of record.classifications.slice(0, 50))
    classTitles.set(`${c.scheme}:${c.code}`, await services.classifications.get(c.scheme, c.code));
  const panelInput = { ctx, record, principal: req.principal };
  const panels = (await Promise.all(standardPanels.map((p) => p(panelInput)))).filter((x) => x !== null);
  return sendHtml(reply, standardPage(ctx, { record, relations, editions, history, classTitles, textLangs, panels, tabs: standardTabsNav(panelInput, '') }));
}

/** GET /std/:id — the slug, or any typed number (URL-encoded, or with a raw '/' as in GB/T) redirected to the slug. */
export function standardRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { id: string } }>('/std/:id', { config: { policy: 'public' } }, (req, reply) => show(services, req, reply, req.params.id));
  app.get<{ Params: { '*': string } }>('/std/*', { config: { policy: 'public' } }, (req, reply) => show(services, req, reply, req.params['*']));
}
