import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { primaryIdentifier } from '../../catalogue/model.js';
import { identifierFamily } from '../../catalogue/normalise.js';
import type { ClassificationCode } from '../../classification/ports.js';
import { AppError } from '../../kernel/errors.js';
import { getDisclosure, textVisibleTo } from '../../reader/disclosure.js';
import { pageContext, type PageCtx } from '../context.js';
import type { Principal } from '../../accounts/principal.js';
import { isPersonActor } from '../../audit/service.js';
import { roleLabel } from '../views/audit-common.js';
import type { HistoryEvent } from '../views/standard-timeline.js';
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
    publicHistory(services, ctx, req.principal, record),
    services.content.list(record.id),
  ]);
  const textLangs = [...new Set(texts.map((x) => x.lang))];
  // A restricted text is invisible (no read link) to those without text.read_restricted (src/reader/disclosure.ts).
  if (!textVisibleTo(req.principal, record, await getDisclosure(services, record.id))) textLangs.length = 0;
  const classTitles = new Map<string, ClassificationCode | null>();
  for (const c of record.classifications.slice(0, 50))
    classTitles.set(`${c.scheme}:${c.code}`, await services.classifications.get(c.scheme, c.code));
  const panelInput = { ctx, record, principal: req.principal };
  const panels = (await Promise.all(standardPanels.map((p) => p(panelInput)))).filter((x) => x !== null);
  return sendHtml(reply, standardPage(ctx, { record, relations, editions, history, classTitles, textLangs, panels, tabs: standardTabsNav(panelInput, '') }));
}

/** Events shown on the overview: the latest ones, people named only for those the audit rules allow (src/audit). */
const OVERVIEW_EVENTS = 10;
async function publicHistory(services: Services, ctx: PageCtx, principal: Principal, record: { id: string; body: string }): Promise<HistoryEvent[]> {
  const rows = await services.audit.standardHistory(principal, record);
  return rows.slice(-OVERVIEW_EVENTS).map((r) => ({
    at: r.at,
    verb: r.verb,
    before: r.before,
    after: r.after,
    actor: isPersonActor(r.actor) && r.who.name === null ? roleLabel(ctx, r.who.role) : (r.who.name ?? r.actor),
  }));
}

/** GET /std/:id — the slug, or any typed number (URL-encoded, or with a raw '/' as in GB/T) redirected to the slug. */
export function standardRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { id: string } }>('/std/:id', { config: { policy: 'public' } }, (req, reply) => show(services, req, reply, req.params.id));
  app.get<{ Params: { '*': string } }>('/std/*', { config: { policy: 'public' } }, (req, reply) => show(services, req, reply, req.params['*']));
}
