import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { bulletinPath, CN_ISSUING_BODIES, ITEM_KINDS, splitNumbers, type BulletinWithItems, type IssuingBody, type ItemKind } from '../../bulletins/model.js';
import type { ItemProblem } from '../../bulletins/service.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import { today } from '../../kernel/clock.js';
import { pageContext } from '../context.js';
import { csrfField } from '../csrf.js';
import { sendHtml } from '../respond.js';
import { standardTabsNav } from '../standard-panels.js';
import { bulletinFeed } from '../views/bulletin-feed.js';
import { draftsPage, editBulletinPage, headerValuesOf, newBulletinPage, type HeaderFormValues, type PasteState } from '../views/bulletin-editor.js';
import { bulletinIndexPage, bulletinPage } from '../views/bulletins.js';
import { impactPage } from '../views/impact.js';
import { stdHref } from '../views/components.js';

const PAGE_SIZE = 50;
const MAX_PAGE = 1000;
const FEED_ENTRIES = 50;
const MAX_FIELD = 200_000;

type Body = Record<string, unknown>;

/** A form field as a bounded string ('' when absent or not a string). */
function field(body: unknown, name: string, max = 2000): string {
  const v = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function intParam(v: unknown, min: number, max: number): number | null {
  if (typeof v !== 'string' || !/^\d{1,6}$/.test(v)) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

const CJK = /[\u3400-\u9fff]/;

/** The issuing-bodies textarea: one body per line, 'zh | en' (a single part goes to the language it is written in). */
export function parseIssuingBodies(text: string): IssuingBody[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 20)
    .map((l) => {
      const [a, b] = l.split('|').map((x) => x.trim());
      if (b) return { zh: a, en: b };
      return CJK.test(a) ? { zh: a } : { en: a };
    });
}

function headerFormValues(body: unknown): HeaderFormValues {
  return {
    publisher: field(body, 'publisher', 40).trim(),
    number: field(body, 'number', 10).trim(),
    year: field(body, 'year', 10).trim(),
    date: field(body, 'date', 20).trim(),
    issuingBodies: field(body, 'issuingBodies', 2000),
    titleZh: field(body, 'titleZh', 300),
    titleEn: field(body, 'titleEn', 300),
  };
}

function headerInput(v: HeaderFormValues) {
  return { ...v, issuingBodies: parseIssuingBodies(v.issuingBodies) };
}

/** Field errors of a rejected header, as lines to show. */
function headerErrors(e: unknown): string[] {
  if (!isAppError(e)) throw e;
  if (e.code === 'invalid_input') {
    const fields = (e.details?.fields as { field: string; message: string }[] | undefined) ?? [];
    return fields.length ? fields.map((f) => `${f.field}: ${f.message}`) : [e.message];
  }
  if (e.code === 'conflict') return [e.message];
  throw e;
}

function emptyPaste(kind: ItemKind = 'new'): PasteState {
  return { kind, lines: '', releaseDate: '', implementationDate: '', abolitionDate: '', replaces: '', note: '' };
}

/** Routes of the approval bulletins: public pages, index, Atom feed, editor assembly; and the impact tab. */
export function bulletinRoutes(app: FastifyInstance, services: Services): void {
  const svc = services.bulletins;

  const summariesOf = async (b: BulletinWithItems) => {
    const ids = [...new Set(b.items.flatMap((i) => [i.std.id, ...i.replaces.map((r) => r.id)]))];
    return new Map((await services.catalogue.summaries(ids)).map((s) => [s.id, s]));
  };

  async function renderEdit(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string; paste?: PasteState; pasteProblems?: ItemProblem[]; publishProblems?: ItemProblem[]; header?: HeaderFormValues; headerErrors?: string[] } = {},
    status = 200,
  ) {
    const b = await svc.draft(req.principal, id);
    const ctx = pageContext(req, reply, services);
    return sendHtml(
      reply,
      editBulletinPage(ctx, {
        bulletin: b,
        sums: await summariesOf(b),
        publishers: svc.publishersOf(req.principal),
        header: extra.header ?? headerValuesOf(b),
        headerErrors: extra.headerErrors ?? [],
        canPublish: svc.canPublish(req.principal, b),
        csrf: csrfField(req),
        notice: extra.notice,
        paste: extra.paste ?? emptyPaste(),
        pasteProblems: extra.pasteProblems ?? [],
        publishProblems: extra.publishProblems ?? [],
      }),
      status,
    );
  }

  // ---- public ----
  app.get('/bulletins', { config: { policy: 'public' } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const year = q.year === undefined ? undefined : (intParam(q.year, 1900, 2200) ?? undefined);
    const page = q.page === undefined ? 1 : (intParam(q.page, 1, MAX_PAGE) ?? 1);
    const [years, list] = await Promise.all([svc.publishedYears(), svc.listPublished({ year, page, pageSize: PAGE_SIZE })]);
    const counts = await svc.itemCounts(list.items.map((b) => b.id));
    return sendHtml(reply, bulletinIndexPage(pageContext(req, reply, services), { years, year, page, pageSize: PAGE_SIZE, total: list.total, items: list.items, counts }));
  });

  app.get('/bulletins.atom', { config: { policy: 'public' } }, async (req, reply) => {
    const list = await svc.listPublished({ page: 1, pageSize: FEED_ENTRIES });
    const counts = await svc.itemCounts(list.items.map((b) => b.id));
    // Atom wants absolute links: PUBLIC_URL when configured, else the address the request came to.
    const base = (services.config.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
    const ctx = pageContext(req, reply, services);
    const xml = bulletinFeed({ base, siteName: ctx.t('site.name'), title: ctx.t('bulletins.feed.title'), items: list.items, counts, now: services.clock.now().toISOString() });
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });

  app.get<{ Params: { publisher: string; year: string; number: string } }>(
    '/bulletins/:publisher/:year/:number',
    { config: { policy: 'public' } },
    async (req, reply) => {
      const year = intParam(req.params.year, 1900, 2200);
      const number = intParam(req.params.number, 1, 99_999);
      if (year === null || number === null || req.params.publisher.length > 40) throw new AppError('not_found', 'No such bulletin');
      const b = await svc.published(req.params.publisher, year, number);
      return sendHtml(reply, bulletinPage(pageContext(req, reply, services), b, await summariesOf(b)));
    },
  );

  // ---- impact tab of a standard ----
  app.get<{ Params: { id: string } }>('/std/:id/impact', { config: { policy: 'public' } }, async (req, reply) => {
    const id = req.params.id;
    if (!id || id.length > 200) throw new AppError('standard_not_found');
    const record = (await services.catalogue.get(id)) ?? (await services.catalogue.resolve(id));
    if (!record) throw new AppError('standard_not_found');
    if (record.id !== id) return reply.redirect(`${stdHref(record.id)}/impact`, 301);
    const ctx = pageContext(req, reply, services);
    const report = await svc.impact(record.id, { watchers: services.alerts });
    const tabs = standardTabsNav({ ctx, record, principal: req.principal }, 'impact');
    return sendHtml(reply, impactPage(ctx, { record, report, tabs }));
  });

  // ---- editor ----
  app.get('/editor/bulletins', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    const drafts = await svc.listDrafts(req.principal, { page: 1, pageSize: 200 });
    const notice = (req.query as Body).deleted === '1' ? pageContext(req, reply, services).t('bulletins.editor.deleted') : undefined;
    return sendHtml(reply, draftsPage(pageContext(req, reply, services), { drafts: drafts.items, notice }));
  });

  app.get('/editor/bulletins/new', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    const pubs = svc.publishersOf(req.principal);
    const publisher = pubs === 'all' ? 'SAC' : (pubs[0] ?? '');
    const day = today(services.clock);
    const values: HeaderFormValues = {
      publisher,
      number: '',
      year: day.slice(0, 4),
      date: day,
      issuingBodies: publisher === 'SAC' ? CN_ISSUING_BODIES.map((b) => `${b.zh} | ${b.en}`).join('\n') : '',
      titleZh: publisher === 'SAC' ? '国家标准公告' : '',
      titleEn: publisher === 'SAC' ? 'National Standard Announcement' : '',
    };
    return sendHtml(reply, newBulletinPage(pageContext(req, reply, services), { values, publishers: pubs, csrf: csrfField(req), errors: [] }));
  });

  app.post('/editor/bulletins', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    const values = headerFormValues(req.body);
    try {
      const b = await svc.create(req.principal, headerInput(values));
      return reply.redirect(`/editor/bulletins/${encodeURIComponent(b.id)}`, 303);
    } catch (e) {
      const errors = headerErrors(e);
      const status = isAppError(e) && e.code === 'conflict' ? 409 : 400;
      return sendHtml(reply, newBulletinPage(pageContext(req, reply, services), { values, publishers: svc.publishersOf(req.principal), csrf: csrfField(req), errors }), status);
    }
  });

  app.get<{ Params: { id: string } }>('/editor/bulletins/:id', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    const b = await svc.get(req.principal, req.params.id.slice(0, 100));
    if (b.state === 'published') return reply.redirect(bulletinPath(b), 303);
    const q = req.query as Body;
    const ctx = pageContext(req, reply, services);
    const notice =
      typeof q.added === 'string' && /^\d{1,5}$/.test(q.added)
        ? ctx.t('bulletins.editor.added', { count: Number(q.added) })
        : q.saved === '1'
          ? ctx.t('bulletins.editor.saved')
          : undefined;
    return renderEdit(req, reply, b.id, { notice });
  });

  app.post<{ Params: { id: string } }>('/editor/bulletins/:id', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    const id = req.params.id.slice(0, 100);
    const values = headerFormValues(req.body);
    const version = intParam(field(req.body, 'version', 10), 1, 1e9) ?? 0;
    try {
      await svc.updateHeader(req.principal, id, version, headerInput(values));
      return reply.redirect(`/editor/bulletins/${encodeURIComponent(id)}?saved=1`, 303);
    } catch (e) {
      const errors = headerErrors(e);
      return renderEdit(req, reply, id, { header: values, headerErrors: errors }, isAppError(e) && e.code === 'conflict' ? 409 : 400);
    }
  });

  app.post<{ Params: { id: string } }>('/editor/bulletins/:id/items', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    const id = req.params.id.slice(0, 100);
    const kindText = field(req.body, 'kind', 20);
    const kind: ItemKind = (ITEM_KINDS as readonly string[]).includes(kindText) ? (kindText as ItemKind) : 'new';
    const paste: PasteState = {
      kind,
      lines: field(req.body, 'lines', MAX_FIELD),
      releaseDate: field(req.body, 'releaseDate', 20).trim(),
      implementationDate: field(req.body, 'implementationDate', 20).trim(),
      abolitionDate: field(req.body, 'abolitionDate', 20).trim(),
      replaces: field(req.body, 'replaces', 500),
      note: field(req.body, 'note', 500).trim(),
    };
    const r = await svc.addPasted(req.principal, id, paste.lines, kind, {
      releaseDate: paste.releaseDate || null,
      implementationDate: paste.implementationDate || null,
      abolitionDate: paste.abolitionDate || null,
      replaces: splitNumbers(paste.replaces),
      note: paste.note || null,
    });
    if (!r.problems.length) return reply.redirect(`/editor/bulletins/${encodeURIComponent(id)}?added=${r.added.length}`, 303);
    // Nothing typed is lost: the lines that failed go back into the box, each listed with its reason.
    const failed = r.problems.map((p) => p.text).join('\n');
    const ctx = pageContext(req, reply, services);
    const notice = r.added.length ? ctx.t('bulletins.editor.added', { count: r.added.length }) : undefined;
    return renderEdit(req, reply, id, { notice, paste: { ...paste, lines: failed }, pasteProblems: r.problems }, 400);
  });

  app.post<{ Params: { id: string; seq: string } }>(
    '/editor/bulletins/:id/items/:seq/delete',
    { config: { policy: { action: 'bulletin.edit' } } },
    async (req, reply) => {
      const id = req.params.id.slice(0, 100);
      const seq = intParam(req.params.seq, 1, 1e6);
      if (seq === null) throw new AppError('not_found');
      await svc.removeItem(req.principal, id, seq);
      return reply.redirect(`/editor/bulletins/${encodeURIComponent(id)}`, 303);
    },
  );

  app.post<{ Params: { id: string } }>('/editor/bulletins/:id/delete', { config: { policy: { action: 'bulletin.edit' } } }, async (req, reply) => {
    await svc.deleteDraft(req.principal, req.params.id.slice(0, 100));
    return reply.redirect('/editor/bulletins?deleted=1', 303);
  });

  app.post<{ Params: { id: string } }>('/editor/bulletins/:id/publish', { config: { policy: { action: 'bulletin.publish' } } }, async (req, reply) => {
    const id = req.params.id.slice(0, 100);
    const version = intParam(field(req.body, 'version', 10), 1, 1e9) ?? 0;
    try {
      const b = await svc.publish(req.principal, id, version);
      return reply.redirect(bulletinPath(b), 303);
    } catch (e) {
      if (isAppError(e) && e.code === 'invalid_input' && Array.isArray(e.details?.problems) && e.details.problems.length)
        return renderEdit(req, reply, id, { publishProblems: e.details.problems as ItemProblem[] }, 400);
      throw e;
    }
  });
}
