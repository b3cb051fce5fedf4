/**
 * Disclosure per standard, like China's national full-text system (公开 / 仅在线阅读 / 不公开):
 * - 'read-download' (the default): the text may be read online and downloaded;
 * - 'read-only': read online, downloads (PDF, HTML, source) refused;
 * - 'not-disclosed': neither; a reason in Chinese and English is shown ("adopts an international standard under
 *   copyright" / "采用国际标准，受版权保护");
 * - 'restricted': read and download only for principals holding 'text.read_restricted' on the standard's publisher
 *   or committee; for everyone else the text does not exist (404, no link, no clause search hit — invisible, not
 *   merely refused), and every access by an allowed person is logged as a 'text.accessed' event.
 * The current setting is a row of the `disclosure` table (migration 004); every change also writes a
 * 'disclosure.set' event in the same transaction, so the history is in the event log.
 */
import type { Kysely } from 'kysely';
import type { Services } from '../app/container.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../kernel/errors.js';
import { can, scopesFor } from '../accounts/policy.js';
import { actorOf, type Principal } from '../accounts/principal.js';

export const DISCLOSURE_MODES = ['read-download', 'read-only', 'not-disclosed', 'restricted'] as const;
export type DisclosureMode = (typeof DISCLOSURE_MODES)[number];

/** Longest reason accepted, per language (a sentence or two, shown on the refusal page). */
export const MAX_REASON = 500;

export interface Disclosure {
  stdId: string;
  mode: DisclosureMode;
  reason: { en?: string; zh?: string };
  /** Absent for the implicit default (never set). */
  updatedAt?: string;
  actor?: string;
}

/** The disclosure table's row type (kept here: this domain owns the table). */
export interface DisclosureTable {
  std_id: string;
  mode: string;
  reason_en: string | null;
  reason_zh: string | null;
  actor: string;
  updated_at: string;
}

type Db = Kysely<Database & { disclosure: DisclosureTable }>;
const dbOf = (services: Pick<Services, 'db'>) => services.db as unknown as Db;

export function isDisclosureMode(v: unknown): v is DisclosureMode {
  return typeof v === 'string' && (DISCLOSURE_MODES as readonly string[]).includes(v);
}

/** The setting of a standard (by record id); the default 'read-download' when none was ever set. */
export async function getDisclosure(services: Pick<Services, 'db'>, stdId: string): Promise<Disclosure> {
  const row = await dbOf(services).selectFrom('disclosure').selectAll().where('std_id', '=', stdId).executeTakeFirst();
  if (!row) return { stdId, mode: 'read-download', reason: {} };
  return {
    stdId,
    mode: isDisclosureMode(row.mode) ? row.mode : 'not-disclosed',
    reason: { ...(row.reason_en ? { en: row.reason_en } : {}), ...(row.reason_zh ? { zh: row.reason_zh } : {}) },
    updatedAt: row.updated_at,
    actor: row.actor,
  };
}

function cleanReason(r: string | undefined): string | undefined {
  const t = r?.replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  if (t.length > MAX_REASON) throw new AppError('invalid_input', `a reason is at most ${MAX_REASON} characters`);
  return t;
}

/**
 * Sets the disclosure of a standard (record id or any typed number) and records a 'disclosure.set' event in the
 * same transaction. 'not-disclosed' needs a reason in at least one language. Returns the new setting; setting
 * the same mode and reasons again writes nothing.
 */
export async function setDisclosure(
  services: Pick<Services, 'db' | 'catalogue' | 'clock'>,
  id: string,
  mode: DisclosureMode,
  reason: { en?: string; zh?: string },
  actor: string,
): Promise<Disclosure> {
  if (!isDisclosureMode(mode)) throw new AppError('invalid_input', `mode must be one of ${DISCLOSURE_MODES.join(', ')}`);
  if (!id || id.length > 200) throw new AppError('standard_not_found');
  const record = (await services.catalogue.get(id)) ?? (await services.catalogue.resolve(id));
  if (!record) throw new AppError('standard_not_found', `no standard "${id}"`);
  const en = cleanReason(reason.en);
  const zh = cleanReason(reason.zh);
  if (mode === 'not-disclosed' && !en && !zh) throw new AppError('invalid_input', 'a text that is not disclosed needs a reason (--reason-en / --reason-zh)');
  const before = await getDisclosure(services, record.id);
  if (before.mode === mode && before.reason.en === en && before.reason.zh === zh && before.updatedAt) return before;
  const now = services.clock.now().toISOString();
  const db = dbOf(services);
  await db.transaction().execute(async (tx) => {
    const row = { mode, reason_en: en ?? null, reason_zh: zh ?? null, actor, updated_at: now };
    await tx
      .insertInto('disclosure')
      .values({ std_id: record.id, ...row })
      .onConflict((oc) => oc.column('std_id').doUpdateSet(row))
      .execute();
    await tx
      .insertInto('event')
      .values({
        at: now,
        actor,
        verb: 'disclosure.set',
        object_type: 'standard',
        object_id: record.id,
        before: JSON.stringify({ mode: before.mode, reason: before.reason }),
        after: JSON.stringify({ mode, reason: { ...(en ? { en } : {}), ...(zh ? { zh } : {}) } }),
      })
      .execute();
  });
  return getDisclosure(services, record.id);
}

/** Throws text_not_disclosed (with the reasons as details) unless the text may be read online. */
export function assertReadable(d: Disclosure): void {
  if (d.mode === 'not-disclosed') throw new AppError('text_not_disclosed', undefined, { mode: d.mode, reason: d.reason });
}

/** Throws text_not_disclosed or download_not_allowed unless the text may be downloaded. */
export function assertDownloadable(d: Disclosure): void {
  assertReadable(d);
  if (d.mode === 'read-only') throw new AppError('download_not_allowed', undefined, { mode: d.mode, reason: d.reason });
}

/** True when the principal may see the text at all: always, except restricted texts (text.read_restricted on the record's publisher or committee). */
export function textVisibleTo(p: Principal, record: { body: string; committee?: string | null }, d: Pick<Disclosure, 'mode'>): boolean {
  if (d.mode !== 'restricted') return true;
  return can(p, 'text.read_restricted', { publisher: record.body, committee: record.committee ?? null });
}

/**
 * Throws text_not_found (404, as if no text were stored) unless the principal may see the text; for a restricted
 * text an allowed access is recorded as a 'text.accessed' event (actor, standard, what). Call it before serving
 * any form of the text (page, clause, download, source, API).
 */
export async function assertTextVisible(
  services: Pick<Services, 'db' | 'clock'>,
  p: Principal,
  record: { id: string; body: string; committee?: string | null },
  d: Pick<Disclosure, 'mode'>,
  what: 'read' | 'clause' | 'download' | 'source' | 'api',
  detail?: string,
): Promise<void> {
  if (!textVisibleTo(p, record, d)) throw new AppError('text_not_found');
  if (d.mode !== 'restricted') return;
  await dbOf(services)
    .insertInto('event')
    .values({
      at: services.clock.now().toISOString(),
      actor: actorOf(p),
      verb: 'text.accessed',
      object_type: 'standard',
      object_id: record.id,
      before: null,
      after: JSON.stringify({ what, ...(detail ? { detail: detail.slice(0, 200) } : {}) }),
    })
    .execute();
}

/** The organisations whose restricted texts a principal may find in clause search (ClauseQuery.access). */
export function clauseAccessOf(p: Principal): { publishers: 'all' | string[]; committees: 'all' | string[] } {
  return { publishers: scopesFor(p, 'text.read_restricted', 'publisher'), committees: scopesFor(p, 'text.read_restricted', 'committee') };
}
