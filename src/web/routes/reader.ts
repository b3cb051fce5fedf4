/**
 * Reader and download routes. Every one of them loads the standard's disclosure first and refuses server-side:
 * 'not-disclosed' → 403 on every route (reader, clause, downloads, source, API), 'read-only' → 403 on the downloads
 * and the source. Pages get a 403 page with the reason; /api gets { error: code, message, details: { reason } }.
 *
 *   GET /std/:id/read[?text=zh|en][&view=bilingual]   the whole text (?lang= also picks the text language)
 *   GET /std/:id/clause/:anchor[?text=]                one clause in context (permalink)
 *   GET /std/:id/download.pdf[?text=]                  PDF (pdfkit, CJK font, bookmarks, footer)
 *   GET /std/:id/download.html[?text=]                 single-file HTML
 *   GET /std/:id/source[?text=]                        the original source (STS XML / text)
 *   GET /api/v1/standards/:id/text[?lang=]             the content tree as JSON
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { primaryIdentifier, type StandardRecord } from '../../catalogue/model.js';
import type { ContentDocument, Section } from '../../content/model.js';
import { htmlDownloadStream } from '../../downloads/html.js';
import { pdfStream } from '../../downloads/pdf.js';
import { cachedDownload, downloadKey, sourceDownload } from '../../blobs/downloads.js';
import { AppError } from '../../kernel/errors.js';
import { assertDownloadable, assertReadable, getDisclosure, type Disclosure } from '../../reader/disclosure.js';
import { assertTextVisible } from '../../reader/disclosure.js';
import { PageCache } from '../../reader/page-cache.js';
import { anchorsOf, citedStandards, findSection, termGlossary } from '../../reader/text.js';
import { SITE_CSS } from '../assets/site-css.js';
import { pageContext, type PageCtx } from '../context.js';
import type { SafeHtml } from '../html.js';
import { contentLang, isUiLang } from '../i18n/index.js';
import { sendHtml } from '../respond.js';
import { stdHref } from '../views/components.js';
import { bilingualPage, clausePage, clauseHref, readerPage, refusalPage } from '../views/reader.js';
import type { RenderCtx } from '../views/reader-content.js';

const MAX_ID = 200;
const MAX_ANCHOR = 100;
/** Text language codes we accept in ?text= (BCP 47-ish, short). */
const LANG_RE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

interface Loaded {
  record: StandardRecord;
  disclosure: Disclosure;
  langs: string[];
  /** Changes whenever a stored text of the standard is written (doc ids and update times). */
  textVersion: string;
}

/** The record (by id or typed number), its disclosure and its stored text languages; throws the 404s. */
async function load(services: Services, id: string): Promise<Loaded> {
  if (!id || id.length > MAX_ID) throw new AppError('standard_not_found');
  const record = (await services.catalogue.get(id)) ?? (await services.catalogue.resolve(id));
  if (!record) throw new AppError('standard_not_found');
  const [disclosure, list] = await Promise.all([getDisclosure(services, record.id), services.content.list(record.id)]);
  return {
    record,
    disclosure,
    langs: [...new Set(list.map((s) => s.lang))],
    textVersion: list.map((s) => `${s.docId}@${s.updatedAt}`).join(','),
  };
}

/** The text language asked for: ?text=, else ?lang= (zh-CN → zh), else the interface language when stored. */
function wantedLang(req: FastifyRequest, ctx: PageCtx | null, langs: string[]): string | undefined {
  const q = req.query as Record<string, unknown>;
  const text = typeof q.text === 'string' && LANG_RE.test(q.text) ? q.text : undefined;
  if (text) return text;
  const ui = typeof q.lang === 'string' ? q.lang : undefined;
  if (ui && (isUiLang(ui) || LANG_RE.test(ui))) {
    const l = isUiLang(ui) ? contentLang(ui) : ui;
    if (langs.includes(l)) return l;
  }
  if (ctx && langs.includes(contentLang(ctx.lang))) return contentLang(ctx.lang);
  return undefined;
}

async function textOf(services: Services, l: Loaded, lang: string | undefined): Promise<ContentDocument> {
  if (!l.langs.length) throw new AppError('text_not_found');
  const doc = (lang && l.langs.includes(lang) ? await services.content.get(l.record.id, lang) : null) ?? (await services.content.get(l.record.id));
  if (!doc) throw new AppError('text_not_found');
  return doc;
}

/** Resolves the standards a text cites to catalogue pages (or null: shown as plain text). */
async function stdLinks(services: Services, doc: ContentDocument): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  await Promise.all(
    citedStandards(doc).map(async (ref) => {
      try {
        const r = await services.catalogue.resolve(ref);
        out.set(ref, r ? stdHref(r.id) : null);
      } catch {
        out.set(ref, null);
      }
    }),
  );
  return out;
}

async function renderCtx(services: Services, ctx: PageCtx, record: StandardRecord, doc: ContentDocument, opts: { xrefBase: string; permalinks: boolean }): Promise<RenderCtx> {
  const { t } = ctx;
  return {
    number: primaryIdentifier(record).value,
    terms: termGlossary(doc),
    stdLinks: await stdLinks(services, doc),
    anchors: anchorsOf(doc),
    xrefBase: opts.xrefBase,
    clauseHref: opts.permalinks ? (a) => ctx.absolute(clauseHref(record.id, a, doc.lang)) : null,
    labels: {
      permalink: t('reader.permalink'),
      cite: t('reader.cite'),
      note: t('reader.note'),
      example: t('reader.example'),
      source: t('reader.termSource'),
      synonyms: t('reader.synonyms'),
      deprecated: t('reader.deprecated'),
    },
  };
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\/;]/g, '_') || 'download';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.replace(/[\\/]/g, '_'))}`;
}

/** 'T/STDHUB 1-2025' → 'T-STDHUB-1-2025' (file-name safe). */
function fileBase(number: string, lang: string): string {
  return `${number.replace(/[^\p{L}\p{N}.]+/gu, '-').replace(/^-+|-+$/g, '')}.${lang}`;
}

/** Sends the refusal: 403 page with the reason, or rethrows for the JSON error handler on /api. */
function refuse(services: Services, req: FastifyRequest, reply: FastifyReply, l: Loaded, what: 'read' | 'download') {
  const ctx = pageContext(req, reply, services);
  return sendHtml(reply, refusalPage(ctx, l.record, l.disclosure, what), 403).header('x-robots-tag', 'noindex');
}

function guard(l: Loaded, what: 'read' | 'download'): AppError | null {
  try {
    if (what === 'read') assertReadable(l.disclosure);
    else assertDownloadable(l.disclosure);
    return null;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
}

/**
 * Restricted texts (disclosure 'restricted') exist only for principals holding text.read_restricted on the
 * standard's publisher or committee: everyone else gets text_not_found (404), as if no text were stored. An
 * allowed access is logged ('text.accessed') and the response is kept out of shared caches.
 */
async function restrictedGate(services: Services, req: FastifyRequest, reply: FastifyReply, l: Loaded, what: 'read' | 'clause' | 'download' | 'source' | 'api', detail?: string): Promise<void> {
  await assertTextVisible(services, req.principal, l.record, l.disclosure, what, detail);
  if (l.disclosure.mode === 'restricted') reply.header('cache-control', 'private, no-store');
}

/**
 * The common start of the download routes: loads the standard, sends the refusal page when its disclosure does not
 * allow downloads (returns null: the reply is sent), and applies the restricted-text gate.
 */
async function loadForDownload(services: Services, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, what: 'download' | 'source'): Promise<Loaded | null> {
  const l = await load(services, req.params.id);
  if (guard(l, 'download')) {
    refuse(services, req, reply, l, 'download');
    return null;
  }
  await restrictedGate(services, req, reply, l, what, what === 'download' ? req.url.split('?')[0].split('/').pop() : undefined);
  return l;
}

/** A permalink or a typed number in the URL: redirect to the record's canonical id with the same suffix. */
function canonical(req: FastifyRequest, reply: FastifyReply, l: Loaded, id: string, suffix: string): FastifyReply | null {
  if (l.record.id === id) return null;
  const qs = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  return reply.redirect(`${stdHref(l.record.id)}${suffix}${qs}`, 301);
}

/** Cache key of a rendered page: everything it depends on that can change, besides the TTL-bound catalogue data. */
function pageKey(kind: string, req: FastifyRequest, ctx: PageCtx, l: Loaded, extra: string): string {
  const q = req.query as Record<string, unknown>;
  return [kind, l.record.id, l.textVersion, l.disclosure.mode, l.disclosure.updatedAt ?? '', ctx.lang, String(q.text ?? ''), String(q.lang ?? ''), String(q.view ?? ''), extra].join('|');
}

/** Registers the reader, download and text API routes. */
export function readerRoutes(app: FastifyInstance, services: Services): void {
  const cache = new PageCache({ maxEntries: 500, maxBytes: 64 * 1024 * 1024, ttlMs: 60_000, now: () => Date.now() });
  const cached = (reply: FastifyReply, key: string) => {
    const body = cache.get(key);
    return body === undefined ? null : reply.status(200).type('text/html; charset=utf-8').send(body);
  };
  const store = (reply: FastifyReply, key: string, page: SafeHtml) => {
    cache.set(key, page.value);
    return sendHtml(reply, page);
  };
  app.get<{ Params: { id: string }; Querystring: { view?: string } }>('/std/:id/read', { config: { policy: 'public' } }, async (req, reply) => {
    const l = await load(services, req.params.id);
    const redirect = canonical(req, reply, l, req.params.id, '/read');
    if (redirect) return redirect;
    const denied = guard(l, 'read');
    if (denied) return refuse(services, req, reply, l, 'read');
    await restrictedGate(services, req, reply, l, 'read');
    const ctx = pageContext(req, reply, services);
    const key = pageKey('read', req, ctx, l, '');
    const hitPage = cached(reply, key);
    if (hitPage) return hitPage;
    const doc = await textOf(services, l, wantedLang(req, ctx, l.langs));
    const rc = await renderCtx(services, ctx, l.record, doc, { xrefBase: '', permalinks: true });
    const data = { record: l.record, doc, langs: l.langs, disclosure: l.disclosure, rc };
    if (req.query.view === 'bilingual' && l.langs.length > 1) {
      const otherLang = l.langs.find((x) => x !== doc.lang)!;
      const other = await services.content.get(l.record.id, otherLang);
      if (other) {
        const rrc = await renderCtx(services, ctx, l.record, other, { xrefBase: '', permalinks: true });
        return store(reply, key, bilingualPage(ctx, data, { doc: other, rc: rrc }));
      }
    }
    return store(reply, key, readerPage(ctx, data));
  });

  app.get<{ Params: { id: string; anchor: string } }>('/std/:id/clause/:anchor', { config: { policy: 'public' } }, async (req, reply) => {
    const l = await load(services, req.params.id);
    const anchor = req.params.anchor;
    const redirect = canonical(req, reply, l, req.params.id, `/clause/${encodeURIComponent(anchor)}`);
    if (redirect) return redirect;
    const denied = guard(l, 'read');
    if (denied) return refuse(services, req, reply, l, 'read');
    await restrictedGate(services, req, reply, l, 'clause', req.params.anchor);
    if (!anchor || anchor.length > MAX_ANCHOR) throw new AppError('not_found');
    const ctx = pageContext(req, reply, services);
    const key = pageKey('clause', req, ctx, l, anchor);
    const hitPage = cached(reply, key);
    if (hitPage) return hitPage;
    const doc = await textOf(services, l, wantedLang(req, ctx, l.langs));
    const hit = findSection(doc, anchor);
    if (!hit) throw new AppError('not_found', `no clause "${anchor}" in this text`);
    // Previous / next in reading order.
    const flat: Section[] = [];
    const walk = (list: Section[]) => list.forEach((s) => (flat.push(s), walk(s.children)));
    walk([...doc.front, ...doc.body, ...doc.back]);
    const i = flat.indexOf(hit.section);
    // Cross-references to anchors outside this clause go to the full text.
    const rc = await renderCtx(services, ctx, l.record, doc, { xrefBase: `${stdHref(l.record.id)}/read?text=${doc.lang}`, permalinks: true });
    return store(reply, key, clausePage(ctx, { record: l.record, doc, langs: l.langs, disclosure: l.disclosure, rc }, { ...hit, prev: flat[i - 1], next: flat[i + 1] }));
  });

  app.get<{ Params: { id: string } }>('/std/:id/download.pdf', { config: { policy: 'public' } }, async (req, reply) => {
    const l = await loadForDownload(services, req, reply, 'download');
    if (!l) return reply;
    const ctx = pageContext(req, reply, services);
    const doc = await textOf(services, l, wantedLang(req, ctx, l.langs));
    const number = primaryIdentifier(l.record).value;
    // Generated once per text version, language and day into the blob store, then streamed from it (src/blobs/downloads.ts).
    const day = services.clock.now().toISOString().slice(0, 10);
    const pdfKey = downloadKey(day, ['pdf', l.record.id, l.textVersion, doc.lang, doc.source.sha256, number, l.record.edition ?? '', ctx.lang, services.config.PDF_CJK_FONT], 'pdf');
    const { stream } = await cachedDownload(services.blobs, pdfKey, 'application/pdf', () => pdfStream(doc, {
      number,
      edition: l.record.edition,
      downloadedAt: services.clock.now(),
      fontPath: services.config.PDF_CJK_FONT,
      labels: {
        page: (n, of) => `${ctx.t('reader.page', { page: n })} / ${of}`,
        edition: (e) => ctx.t('reader.edition', { edition: e }),
        downloaded: (d) => ctx.t('reader.downloaded', { date: d }),
      },
    }));
    return reply
      .type('application/pdf')
      .header('content-disposition', contentDisposition(`${fileBase(number, doc.lang)}.pdf`))
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.get<{ Params: { id: string } }>('/std/:id/download.html', { config: { policy: 'public' } }, async (req, reply) => {
    const l = await loadForDownload(services, req, reply, 'download');
    if (!l) return reply;
    const ctx = pageContext(req, reply, services);
    const doc = await textOf(services, l, wantedLang(req, ctx, l.langs));
    const number = primaryIdentifier(l.record).value;
    const rc = await renderCtx(services, ctx, l.record, doc, { xrefBase: '', permalinks: false });
    // Links to other standards point back at this site.
    for (const [k, v] of rc.stdLinks) if (v) rc.stdLinks.set(k, ctx.absolute(v));
    const now = services.clock.now();
    const stream = htmlDownloadStream(doc, rc, {
      number,
      edition: l.record.edition,
      downloadedAt: now,
      css: SITE_CSS,
      downloadedLabel: ctx.t('reader.downloaded', { date: now.toISOString().slice(0, 10) }),
      tocLabel: ctx.t('reader.toc'),
      onlineHref: services.config.PUBLIC_URL ? ctx.absolute(`${stdHref(l.record.id)}/read?text=${doc.lang}`) : undefined,
    });
    return reply
      .type('text/html; charset=utf-8')
      .header('content-disposition', contentDisposition(`${fileBase(number, doc.lang)}.html`))
      // The file inlines its stylesheet; as an attachment it is opened from disk, but allow it if shown inline.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'")
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.get<{ Params: { id: string } }>('/std/:id/source', { config: { policy: 'public' } }, async (req, reply) => {
    const l = await loadForDownload(services, req, reply, 'source');
    if (!l) return reply;
    if (!l.langs.length) throw new AppError('text_not_found');
    const lang = wantedLang(req, null, l.langs);
    // Streamed from the blob store (filled from the content store on the first download): src/blobs/downloads.ts.
    const src = (lang ? await sourceDownload(services, l.record.id, lang) : null) ?? (await sourceDownload(services, l.record.id));
    if (!src) throw new AppError('text_not_found');
    const type = /xml/.test(src.mediaType) ? `${src.mediaType}; charset=utf-8` : /^text\//.test(src.mediaType) ? `${src.mediaType}; charset=utf-8` : src.mediaType;
    return reply
      .type(type)
      .header('content-disposition', contentDisposition(src.name || `${fileBase(primaryIdentifier(l.record).value, lang ?? 'text')}`))
      .header('cache-control', 'private, no-store')
      .header('content-length', String(src.size))
      .send(src.stream);
  });

  app.get<{ Params: { id: string }; Querystring: { lang?: string } }>('/api/v1/standards/:id/text', { config: { policy: 'public' } }, async (req, reply) => {
    const l = await load(services, req.params.id);
    assertReadable(l.disclosure);
    await restrictedGate(services, req, reply, l, 'api');
    const lang = typeof req.query.lang === 'string' && LANG_RE.test(req.query.lang) ? req.query.lang : undefined;
    const doc = await textOf(services, l, lang);
    return { id: l.record.id, disclosure: { mode: l.disclosure.mode, reason: l.disclosure.reason }, languages: l.langs, text: doc };
  });
}
