import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { reviewYearsOf, STATUS_RULES } from './compute.js';
import type { LifecycleService } from './service.js';

/**
 * The editors' work lists: systematic reviews that are overdue, and approved standards whose text must be
 * published by a disclosure deadline. Both are scoped to publishers (standard.body) the editor works for.
 */

/** Publishers an editor may see: 'all' (site-wide role) or a list of body codes. */
export type PublisherScope = 'all' | string[];

export interface ReviewItem {
  id: string;
  number: string;
  body: string;
  titles: Record<string, string>;
  status: string;
  /** The date the review interval runs from: the last confirmation, else the implementation, else the release. */
  anchor: string;
  anchorType: 'reviewed' | 'implemented' | 'released';
  /** When the review was due ('YYYY-MM-DD', or 'YYYY-MM' for a month-precision anchor). */
  due: string;
}

export interface DeadlineItem {
  id: string;
  number: string;
  body: string;
  titles: Record<string, string>;
  status: string;
  /** The approval (bulletin) date. */
  approved: string;
  source: string;
  /** DISCLOSURE_WORKING_DAYS working days after the approval. */
  deadline: string;
  /** Working days left (0 on the deadline day; negative = working days overdue). */
  workingDaysLeft: number;
  state: 'due' | 'overdue';
  /** Years the holiday calendar does not cover between approval and deadline (weekends only there). */
  uncoveredYears: number[];
}

function addYears(date: string, years: number): string {
  return `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;
}

async function titlesOf(db: Kysely<Database>, ids: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('title').select(['std_id', 'lang', 'type', 'text']).where('std_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) {
      const t = out.get(r.std_id) ?? {};
      if (r.type === 'main' || !(r.lang in t)) t[r.lang] = r.text;
      out.set(r.std_id, t);
    }
  }
  return out;
}

/**
 * Standards in force whose systematic review is overdue on `today`: REVIEW_YEARS (or the body's own interval,
 * status-rules.json) after the last 'reviewed' fact, else the implementation, else the release. Bodies without
 * systematic review (RFCs) are left out. Oldest due first, at most `limit`.
 */
export async function overdueReviews(
  db: Kysely<Database>,
  lifecycle: LifecycleService,
  opts: { scope: PublisherScope; today: string; limit?: number },
): Promise<{ items: ReviewItem[]; total: number }> {
  if (opts.scope !== 'all' && !opts.scope.length) return { items: [], total: 0 };
  const noReview = Object.entries(STATUS_RULES.bodies)
    .filter(([, b]) => 'reviewYears' in b && b.reviewYears === null)
    .map(([code]) => code);
  let q = db
    .selectFrom('lifecycle_fact as f')
    .innerJoin('standard as s', 's.id', 'f.std_id')
    .select((eb) => [
      's.id as id',
      's.number as number',
      's.body as body',
      's.status as status',
      eb.fn.max(eb.case().when('f.type', '=', 'reviewed').then(eb.ref('f.date')).end()).as('reviewed'),
      eb.fn.max(eb.case().when('f.type', '=', 'implemented').then(eb.ref('f.date')).end()).as('implemented'),
      eb.fn.max(eb.case().when('f.type', '=', 'released').then(eb.ref('f.date')).end()).as('released'),
    ])
    .where('f.type', 'in', ['reviewed', 'implemented', 'released'])
    .where('f.date', '<=', opts.today)
    .where('s.status', '=', 'current')
    .groupBy(['s.id', 's.number', 's.body', 's.status']);
  if (noReview.length) q = q.where('s.body', 'not in', noReview);
  if (opts.scope !== 'all') q = q.where('s.body', 'in', opts.scope);
  const rows = await q.execute();
  const items: ReviewItem[] = [];
  for (const r of rows) {
    const years = reviewYearsOf(r.body, lifecycle.settings.REVIEW_YEARS);
    if (years === null) continue;
    const anchorType: ReviewItem['anchorType'] = r.reviewed ? 'reviewed' : r.implemented ? 'implemented' : 'released';
    const anchor = (r.reviewed ?? r.implemented ?? r.released) as string | null;
    if (!anchor) continue;
    // A confirmation older than the implementation of this edition does not count (it cannot be).
    const a = r.reviewed && r.implemented && r.implemented > r.reviewed ? { t: 'implemented' as const, d: r.implemented } : { t: anchorType, d: anchor };
    const due = addYears(a.d, years);
    if (due >= opts.today) continue;
    items.push({ id: r.id, number: r.number, body: r.body, titles: {}, status: r.status, anchor: a.d, anchorType: a.t, due });
  }
  items.sort((x, y) => x.due.localeCompare(y.due) || x.number.localeCompare(y.number));
  const shown = items.slice(0, opts.limit ?? 500);
  const titles = await titlesOf(db, shown.map((i) => i.id));
  for (const i of shown) i.titles = titles.get(i.id) ?? {};
  return { items: shown, total: items.length };
}

/**
 * Approved standards whose text is not yet stored (the content store has no text for them), with their
 * disclosure deadline: 'due' until the deadline day, 'overdue' after it. Most urgent first, at most `limit`.
 */
export async function disclosureDeadlines(
  db: Kysely<Database>,
  lifecycle: LifecycleService,
  opts: { scope: PublisherScope; today: string; limit?: number },
): Promise<{ items: DeadlineItem[]; total: number; workingDays: number }> {
  const workingDays = lifecycle.settings.DISCLOSURE_WORKING_DAYS;
  if (opts.scope !== 'all' && !opts.scope.length) return { items: [], total: 0, workingDays };
  let q = db
    .selectFrom('lifecycle_fact as f')
    .innerJoin('standard as s', 's.id', 'f.std_id')
    .select(['s.id as id', 's.number as number', 's.body as body', 's.status as status', 'f.date as approved', 'f.source as source'])
    .where('f.type', '=', 'approved')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('content_doc as c').select('c.std_id').whereRef('c.std_id', '=', 's.id'))));
  if (opts.scope !== 'all') q = q.where('s.body', 'in', opts.scope);
  const rows = await q.execute();
  // One deadline per standard: its latest approval (a re-approval restarts the clock).
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const prev = latest.get(r.id);
    if (!prev || r.approved > prev.approved) latest.set(r.id, r);
  }
  const items: DeadlineItem[] = [];
  for (const r of latest.values()) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.approved)) continue;
    const deadline = lifecycle.disclosureDeadline(r.approved);
    const left =
      deadline >= opts.today
        ? lifecycle.calendar.workingDaysBetween(opts.today, deadline)
        : -lifecycle.calendar.workingDaysBetween(deadline, opts.today);
    items.push({
      id: r.id,
      number: r.number,
      body: r.body,
      titles: {},
      status: r.status,
      approved: r.approved,
      source: r.source,
      deadline,
      workingDaysLeft: left,
      state: deadline >= opts.today ? 'due' : 'overdue',
      uncoveredYears: lifecycle.calendar.uncoveredYears(r.approved, deadline),
    });
  }
  items.sort((x, y) => x.deadline.localeCompare(y.deadline) || x.number.localeCompare(y.number));
  const shown = items.slice(0, opts.limit ?? 500);
  const titles = await titlesOf(db, shown.map((i) => i.id));
  for (const i of shown) i.titles = titles.get(i.id) ?? {};
  return { items: shown, total: items.length, workingDays };
}
