/**
 * Use cases of approval bulletins: assemble a draft (header, items named by number, paste-many), publish it in one
 * transaction (lifecycle facts, relations, events), and read published bulletins. Routes (web and API) call these
 * and nothing else, so both edges share every rule and permission check.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { authorize, can, scopesFor } from '../accounts/policy.js';
import { actorOf, type Principal } from '../accounts/principal.js';
import type { CatalogueStore } from '../catalogue/ports.js';
import { primaryIdentifier } from '../catalogue/model.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { LifecycleEventInput } from '../lifecycle/ports.js';
import {
  LIMITS,
  bulletinLabel,
  isFullDate,
  itemDateProblems,
  parsePastedLines,
  type Bulletin,
  type BulletinHeaderInput,
  type BulletinItem,
  type BulletinWithItems,
  type ItemInput,
  type ItemKind,
  type StdRef,
} from './model.js';
import type { BulletinPage, BulletinStore, PublishStep, StandardMention } from './ports.js';
import { impactOf, type CitationSource, type ImpactReport, type WatcherCounter } from './impact.js';

/** What publishing needs of the lifecycle domain (src/lifecycle/service.ts provides it as services.lifecycle). */
export interface LifecycleRecorder {
  /** Writes dated facts inside the caller's transaction. */
  recordInTx(trx: never, events: LifecycleEventInput[], actor: string): Promise<unknown>;
  /** Applies status changes whose dates have arrived (run after commit so today's changes show at once). */
  applyDue(now: Date): Promise<unknown>;
}

/** A rejected item: where it came from (pasted line or item seq), what was typed and why (a message code). */
export interface ItemProblem {
  line?: number;
  seq?: number;
  text: string;
  code: ItemProblemCode;
}
export type ItemProblemCode =
  | 'unknown_standard'
  | 'other_publisher'
  | 'duplicate'
  | 'unknown_predecessor'
  | 'self_replacement'
  | 'predecessor_required'
  | 'too_many'
  | 'bad_release_date'
  | 'bad_implementation_date'
  | 'bad_abolition_date'
  | 'implementation_before_release';

const headerSchema = z.object({
  publisher: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9/_.-]+$/),
  number: z.coerce.number().int().min(1).max(99_999),
  year: z.coerce.number().int().min(1900).max(2200),
  date: z.string().refine(isFullDate, 'expected YYYY-MM-DD'),
  issuingBodies: z
    .array(z.object({ zh: z.string().trim().max(LIMITS.issuingBodyChars).optional(), en: z.string().trim().max(LIMITS.issuingBodyChars).optional() }))
    .max(LIMITS.issuingBodies),
  titleZh: z.string().trim().max(LIMITS.titleChars).nullish(),
  titleEn: z.string().trim().max(LIMITS.titleChars).nullish(),
});

/** Validates header input (invalid_input with the zod issues as details). */
export function parseHeader(input: unknown): BulletinHeaderInput {
  const r = headerSchema.safeParse(input);
  if (!r.success)
    throw new AppError('invalid_input', 'Invalid bulletin header', {
      fields: r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  return {
    ...r.data,
    issuingBodies: r.data.issuingBodies.filter((b) => b.zh || b.en),
    titleZh: r.data.titleZh || null,
    titleEn: r.data.titleEn || null,
  };
}

/** Test-only hooks (never set in production code): the crash test pauses a publication mid-transaction. */
export interface BulletinTestHooks {
  afterStep?: (index: number) => Promise<void>;
}

export class BulletinService {
  /** Test-only: see BulletinTestHooks. */
  readonly testHooks: BulletinTestHooks = {};

  constructor(
    private readonly store: BulletinStore,
    private readonly catalogue: CatalogueStore,
    private readonly lifecycle: LifecycleRecorder,
    private readonly clock: Clock,
    private readonly citations: CitationSource | null = null,
  ) {}

  /**
   * Who is affected when a standard changes: citing standards, watchers (when a watch list is configured: pass
   * services.alerts) and the bulletins naming it. Public data only.
   */
  impact(stdId: string, opts: { watchers?: Partial<WatcherCounter> | null } = {}): Promise<ImpactReport> {
    const w = opts.watchers;
    return impactOf(stdId, {
      citations: this.citations ?? { citing: async () => [] },
      watchers: w && typeof w.watcherCount === 'function' ? (w as WatcherCounter) : null,
      mentions: (id) => this.store.mentions(id),
    });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** Creates a draft bulletin of a publisher the principal edits for. */
  async create(p: Principal, input: unknown): Promise<Bulletin> {
    const h = parseHeader(input);
    authorize(p, 'bulletin.edit', { publisher: h.publisher });
    const now = this.now();
    const b: Bulletin = {
      id: randomUUID(),
      publisher: h.publisher,
      number: h.number,
      year: h.year,
      date: h.date,
      issuingBodies: h.issuingBodies,
      title: { zh: h.titleZh ?? null, en: h.titleEn ?? null },
      state: 'draft',
      publishedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: actorOf(p),
    };
    await this.store.create(b, actorOf(p));
    return b;
  }

  /** Loads a draft the principal may edit (404 for others: drafts are invisible). */
  async draft(p: Principal, id: string): Promise<BulletinWithItems> {
    const b = await this.store.get(id);
    if (!b) throw new AppError('not_found', 'No such bulletin');
    authorize(p, 'bulletin.edit', { publisher: b.publisher }, { hide: true });
    return b;
  }

  /** A bulletin by id: published ones for everyone, drafts only for their editors (404 otherwise). */
  async get(p: Principal, id: string): Promise<BulletinWithItems> {
    const b = await this.store.get(id);
    if (!b) throw new AppError('not_found', 'No such bulletin');
    if (b.state !== 'published') authorize(p, 'bulletin.edit', { publisher: b.publisher }, { hide: true });
    return b;
  }

  /** The public page's bulletin ("No. 14 of 2025" of a publisher); drafts are 404. */
  async published(publisher: string, year: number, number: number): Promise<BulletinWithItems> {
    const b = await this.store.getByNumber(publisher, year, number);
    if (!b || b.state !== 'published') throw new AppError('not_found', 'No such bulletin');
    return b;
  }

  async updateHeader(p: Principal, id: string, version: number, input: unknown): Promise<Bulletin> {
    const b = await this.draft(p, id);
    const h = parseHeader(input);
    if (h.publisher !== b.publisher) {
      // Items were checked against the old publisher; moving a bulletin with items would bypass that check.
      authorize(p, 'bulletin.edit', { publisher: h.publisher });
      if (b.items.length) throw new AppError('invalid_input', 'Remove the items before changing the publisher', { field: 'publisher' });
    }
    return this.store.updateHeader(id, version, h, actorOf(p), this.now());
  }

  /** Published bulletins, newest first (optionally of one year). */
  listPublished(q: { year?: number; page: number; pageSize: number }): Promise<BulletinPage> {
    return this.store.list({ state: 'published', publishers: 'all', year: q.year, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  }

  itemCounts(ids: string[]) {
    return this.store.itemCounts(ids);
  }

  publishedYears(): Promise<{ year: number; count: number }[]> {
    return this.store.publishedYears();
  }

  /** Drafts of the publishers the principal edits for. */
  listDrafts(p: Principal, q: { page: number; pageSize: number }): Promise<BulletinPage> {
    return this.store.list({ state: 'draft', publishers: scopesFor(p, 'bulletin.edit', 'publisher'), limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  }

  /** Publishers the principal may create bulletins for ('all' for site-wide editors). */
  publishersOf(p: Principal): 'all' | string[] {
    return scopesFor(p, 'bulletin.edit', 'publisher');
  }

  /** True when the principal may publish this bulletin (for showing the button). */
  canPublish(p: Principal, b: Bulletin): boolean {
    return can(p, 'bulletin.publish', { publisher: b.publisher });
  }

  /**
   * Adds items named by number. Each item is checked on its own: unknown numbers, standards of another publisher,
   * duplicates, missing predecessors and bad dates come back as problems (with the line they came from) while the
   * good items are added — so nothing typed is lost: the caller shows the problem lines again for correction.
   */
  async addItems(p: Principal, id: string, inputs: { line?: number; text?: string; item: ItemInput }[]): Promise<{ added: BulletinItem[]; problems: ItemProblem[] }> {
    const b = await this.draft(p, id);
    // "A standard may appear once": as an item or as a revision's predecessor (it cannot be both abolished and
    // replaced, or replaced twice, by one bulletin).
    const taken = new Set(b.items.flatMap((i) => [i.std.id, ...i.replaces.map((r) => r.id)]));
    const problems: ItemProblem[] = [];
    const good: Omit<BulletinItem, 'seq'>[] = [];
    const room = LIMITS.itemsPerBulletin - b.items.length;
    for (const { line, text, item } of inputs) {
      const shown = (text ?? item.number ?? '').slice(0, 300);
      const fail = (code: ItemProblemCode) => problems.push({ line, text: shown, code });
      if (good.length >= room) {
        fail('too_many');
        continue;
      }
      const dateProblems = itemDateProblems(item) as ItemProblemCode[];
      if (dateProblems.length) {
        fail(dateProblems[0]);
        continue;
      }
      const std = await this.resolveRef(item.number);
      if (!std) {
        fail('unknown_standard');
        continue;
      }
      if (std.body !== b.publisher) {
        fail('other_publisher');
        continue;
      }
      if (taken.has(std.ref.id)) {
        fail('duplicate');
        continue;
      }
      const replaces: StdRef[] = [];
      let bad: ItemProblemCode | null = null;
      if (item.kind === 'revision') {
        const names = (item.replaces ?? []).slice(0, LIMITS.replacesPerItem + 1);
        if (!names.length || names.length > LIMITS.replacesPerItem) bad = 'predecessor_required';
        for (const n of names) {
          if (bad) break;
          const pre = await this.resolveRef(n);
          if (!pre || pre.body !== b.publisher) bad = 'unknown_predecessor';
          else if (pre.ref.id === std.ref.id) bad = 'self_replacement';
          else if (taken.has(pre.ref.id)) bad = 'duplicate';
          else if (!replaces.some((r) => r.id === pre.ref.id)) replaces.push(pre.ref);
        }
      }
      if (bad) {
        fail(bad);
        continue;
      }
      taken.add(std.ref.id);
      for (const r of replaces) taken.add(r.id);
      good.push({
        kind: item.kind,
        std: std.ref,
        replaces,
        releaseDate: item.kind === 'abolition' ? null : (item.releaseDate ?? null),
        implementationDate: item.kind === 'abolition' ? null : (item.implementationDate ?? null),
        abolitionDate: item.kind === 'abolition' ? (item.abolitionDate ?? null) : null,
        note: item.note ? item.note.slice(0, LIMITS.noteChars) : null,
      });
    }
    const added = good.length ? await this.store.addItems(id, good, actorOf(p), this.now()) : [];
    return { added, problems };
  }

  /** Adds pasted lines (one standard per line, see parsePastedLines) of one kind. */
  async addPasted(p: Principal, id: string, text: string, kind: ItemKind, defaults: Omit<ItemInput, 'kind' | 'number'> = {}) {
    if (text.length > LIMITS.pasteChars) throw new AppError('payload_too_large', `At most ${LIMITS.pasteChars} characters per paste`);
    const lines = parsePastedLines(text, kind, defaults);
    if (lines.length > LIMITS.linesPerPaste) throw new AppError('invalid_input', `At most ${LIMITS.linesPerPaste} lines per paste`);
    return this.addItems(p, id, lines.map((l) => ({ line: l.line, text: l.text, item: l.item })));
  }

  async removeItem(p: Principal, id: string, seq: number): Promise<boolean> {
    await this.draft(p, id);
    return this.store.removeItem(id, seq, actorOf(p), this.now());
  }

  async deleteDraft(p: Principal, id: string): Promise<boolean> {
    await this.draft(p, id);
    return this.store.deleteDraft(id, actorOf(p), this.now());
  }

  /** Published bulletins naming a standard (standard page panel, impact view). */
  mentions(stdId: string): Promise<StandardMention[]> {
    return this.store.mentions(stdId);
  }

  private async resolveRef(number: string): Promise<{ ref: StdRef; body: string } | null> {
    const text = (number ?? '').trim();
    if (!text || text.length > LIMITS.numberChars) return null;
    const r = await this.catalogue.resolve(text);
    return r ? { ref: { id: r.id, number: primaryIdentifier(r).value }, body: r.body } : null;
  }

  /**
   * Re-checks every item against the catalogue as it is now (a record may have been removed or moved since the
   * item was added); returns the problems by item seq.
   */
  private async publishProblems(b: BulletinWithItems): Promise<ItemProblem[]> {
    const ids = [...new Set(b.items.flatMap((i) => [i.std.id, ...i.replaces.map((r) => r.id)]))];
    const known = new Map((await this.catalogue.summaries(ids)).map((s) => [s.id, s.body]));
    const problems: ItemProblem[] = [];
    const seen = new Set<string>();
    for (const it of b.items) {
      const fail = (code: ItemProblemCode) => problems.push({ seq: it.seq, text: it.std.number, code });
      const dp = itemDateProblems(it) as ItemProblemCode[];
      if (dp.length) fail(dp[0]);
      else if (known.get(it.std.id) !== b.publisher) fail(known.has(it.std.id) ? 'other_publisher' : 'unknown_standard');
      else if (seen.has(it.std.id) || it.replaces.some((r) => seen.has(r.id))) fail('duplicate');
      else if (it.kind === 'revision' && !it.replaces.length) fail('predecessor_required');
      else if (it.kind === 'revision' && it.replaces.some((r) => known.get(r.id) !== b.publisher)) fail('unknown_predecessor');
      seen.add(it.std.id);
      for (const r of it.replaces) seen.add(r.id);
    }
    return problems;
  }

  /** The lifecycle facts, relations and events one item brings (pure: computed before the transaction opens). */
  private stepOf(b: Bulletin, it: BulletinItem): { step: PublishStep; facts: LifecycleEventInput[] } {
    const source = `bulletin:${b.id}`;
    // The cause every per-standard event carries (the alerts domain reads `bulletin` and `label`).
    const labelZh = `${b.title.zh ?? b.publisher} ${bulletinLabel(b, 'zh')}`;
    const labelEn = `${b.title.en ?? b.publisher} ${bulletinLabel(b, 'en')}`;
    const cause = { bulletin: b.id, publisher: b.publisher, year: b.year, number: b.number, label: labelZh, labelZh, labelEn };
    const facts: LifecycleEventInput[] = [];
    const step: PublishStep = { seq: it.seq, relations: [], events: [] };
    if (it.kind === 'abolition') {
      const date = it.abolitionDate ?? b.date;
      facts.push({ stdId: it.std.id, type: 'abolished', date, source });
      step.events.push({ verb: 'standard.abolished', stdId: it.std.id, after: { ...cause, kind: it.kind, abolitionDate: date } });
      return { step, facts };
    }
    const release = it.releaseDate!;
    const impl = it.implementationDate!;
    facts.push(
      { stdId: it.std.id, type: 'approved', date: b.date, source },
      { stdId: it.std.id, type: 'released', date: release, source },
      { stdId: it.std.id, type: 'implemented', date: impl, source },
    );
    step.events.push({
      verb: 'standard.announced',
      stdId: it.std.id,
      after: { ...cause, kind: it.kind, releaseDate: release, implementationDate: impl, replaces: it.replaces.map((r) => r.id) },
    });
    for (const pre of it.replaces) {
      // The old edition is replaced when the new one takes effect (GB practice: 代替 on the implementation date).
      facts.push({ stdId: pre.id, type: 'replaced', date: impl, related: it.std.id, source });
      step.relations.push({ stdId: it.std.id, type: 'replaces', target: pre.number }, { stdId: pre.id, type: 'replacedBy', target: it.std.number });
      step.events.push({ verb: 'standard.replaced', stdId: pre.id, after: { ...cause, replacedBy: it.std.id, date: impl } });
    }
    return { step, facts };
  }

  /**
   * Publishes a draft: every item is re-validated first (any problem → invalid_input listing them, nothing
   * applied); then ONE transaction writes the lifecycle facts, the missing replaces/replacedBy relations, one event
   * per affected standard and 'bulletin.published'. After commit the lifecycle job applies what is due today.
   */
  async publish(p: Principal, id: string, version: number): Promise<Bulletin> {
    const b = await this.draft(p, id);
    authorize(p, 'bulletin.publish', { publisher: b.publisher });
    if (b.version !== version) throw new AppError('conflict', 'The bulletin was changed by someone else; reload it', { version: b.version });
    if (!b.items.length) throw new AppError('invalid_input', 'A bulletin needs at least one item', { problems: [] });
    const problems = await this.publishProblems(b);
    if (problems.length) throw new AppError('invalid_input', `${problems.length} item(s) cannot be published`, { problems });
    const plan = b.items.map((it) => this.stepOf(b, it));
    const actor = actorOf(p);
    const published = await this.store.publish(
      id,
      version,
      plan.map((x) => x.step),
      {
        actor,
        now: this.now(),
        onStep: async (tx, _step, index) => {
          await this.lifecycle.recordInTx(tx as never, plan[index].facts, actor);
          if (this.testHooks.afterStep) await this.testHooks.afterStep(index);
        },
      },
    );
    await this.lifecycle.applyDue(this.clock.now());
    return published;
  }
}
