import { can, scopesFor } from '../accounts/policy.js';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../kernel/errors.js';
import { fieldDiff, type FieldChange } from './diff.js';
import type { ActorDirectory, ActorInfo, AuditEvent, EventFilter, EventLog } from './ports.js';
import { nextDay, type AuditQuery } from './query.js';

/**
 * Verbs that record that someone looked at something rather than changed it. They belong in the audit view
 * (who read a restricted text) but never on a standard's public history.
 */
export const ACCESS_VERBS = ['text.accessed'];

/** True for actors that are people ('user:<id>', 'token:<id>'), whose names follow the visibility rules. */
export function isPersonActor(actor: string): boolean {
  return actor.startsWith('user:') || actor.startsWith('token:');
}

/** One event as the history tab and the audit view show it. */
export interface AuditRow extends AuditEvent {
  /** The actor as this viewer may see it: with the name only when allowed (see AuditService). */
  who: { name: string | null; role: string };
  changes: FieldChange[];
}

/** Most rows one CSV export writes (a bounded file even for "everything"). */
export const MAX_EXPORT_ROWS = 100_000;

/**
 * Use cases of the audit domain: a standard's history for anyone, and the filtered audit log for those allowed.
 * Visibility rules live here, not in routes: actor names go only to principals who may read the audit of the
 * object's publisher (audit.read_scoped there, or admins); everyone else sees the actor's role.
 */
export class AuditService {
  constructor(
    readonly log: EventLog,
    readonly actors: ActorDirectory,
  ) {}

  private async rows(events: AuditEvent[], showNames: (e: AuditEvent) => boolean): Promise<AuditRow[]> {
    const info = await this.actors.describe(events.map((e) => e.actor));
    return events.map((e) => {
      const a: ActorInfo = info.get(e.actor) ?? { actor: e.actor, name: e.actor, role: 'unknown' };
      return { ...e, who: { name: showNames(e) ? a.name : null, role: a.role }, changes: fieldDiff(e.before, e.after) };
    });
  }

  /** The history of one published standard (its own events and those of its text, disclosure, …), oldest first. */
  async standardHistory(p: Principal, std: { id: string; body: string }): Promise<AuditRow[]> {
    const events = await this.log.objectHistory(std.id, { excludeVerbs: ACCESS_VERBS, max: 2000 });
    const names = can(p, 'audit.read_scoped', { publisher: std.body });
    return this.rows(events, () => names);
  }

  /**
   * The publishers whose audit the principal may read: undefined = all (admins, audit.read), a list for scoped
   * editors; throws forbidden/unauthenticated when there is none.
   */
  scopeOf(p: Principal): string[] | undefined {
    if (can(p, 'audit.read')) return undefined;
    const scopes = scopesFor(p, 'audit.read_scoped', 'publisher');
    if (scopes === 'all') return undefined;
    if (!scopes.length) throw new AppError(p.kind === 'anonymous' ? 'unauthenticated' : 'forbidden', 'Not allowed: audit.read');
    return scopes;
  }

  private async filterOf(p: Principal, q: AuditQuery): Promise<EventFilter | null> {
    const publishers = this.scopeOf(p);
    const f: EventFilter = { publishers, objectType: q.objectType, objectId: q.objectId, verbPrefix: q.verb };
    if (q.from) f.from = q.from;
    if (q.to) f.to = nextDay(q.to);
    const actors: string[][] = [];
    if (q.actor) actors.push([q.actor]);
    if (q.person) actors.push(await this.actors.findActors(q.person, 200));
    if (actors.length) {
      const both = actors.reduce((a, b) => a.filter((x) => b.includes(x)));
      if (!both.length) return null;
      f.actors = both;
    }
    return f;
  }

  /** One page of the audit log, filtered and limited to what the principal may read; newest first. */
  async search(p: Principal, q: AuditQuery): Promise<{ items: AuditRow[]; next: number | null }> {
    const f = await this.filterOf(p, q);
    if (!f) return { items: [], next: null };
    const page = await this.log.list(f, { limit: q.limit, cursor: q.cursor });
    return { items: await this.rows(page.items, () => true), next: page.next };
  }

  /** Every row of the filtered log (newest first), page by page, for the CSV export; at most MAX_EXPORT_ROWS. */
  async *export(p: Principal, q: AuditQuery): AsyncGenerator<AuditRow> {
    const f = await this.filterOf(p, q);
    if (!f) return;
    let cursor: number | undefined;
    let n = 0;
    for (;;) {
      const page = await this.log.list(f, { limit: 500, cursor });
      for (const r of await this.rows(page.items, () => true)) {
        if (n++ >= MAX_EXPORT_ROWS) return;
        yield r;
      }
      if (page.next === null) return;
      cursor = page.next;
    }
  }

  /** Verbs for the filter's choice list. */
  verbs(): Promise<string[]> {
    return this.log.verbs();
  }

  /** Object types for the filter's choice list. */
  objectTypes(): Promise<string[]> {
    return this.log.objectTypes();
  }
}
