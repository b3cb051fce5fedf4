import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuditEvent, EventFilter, EventLog, EventPage, EventPageRequest } from '../ports.js';

/** Longest page the adapter returns, whatever the caller asks (bounds memory per request). */
export const MAX_PAGE = 500;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // A payload that is not JSON is shown as the text it is rather than failing the whole page.
    return text;
  }
}

type Row = { id: number; at: string; actor: string; verb: string; object_type: string; object_id: string; before: string | null; after: string | null };

function toEvent(r: Row): AuditEvent {
  return {
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    verb: r.verb,
    objectType: r.object_type,
    objectId: r.object_id,
    before: parseJson(r.before),
    after: parseJson(r.after),
  };
}

/**
 * The event log over the append-only `event` table (Kysely only, so SQLite and PostgreSQL share it). Read-only by
 * construction: there is no method that updates or deletes, and the database's triggers refuse both anyway.
 */
export class KyselyEventLog implements EventLog {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: EventFilter, page: EventPageRequest): Promise<EventPage> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(page.limit)));
    if (filter.actors && filter.actors.length === 0) return { items: [], next: null };
    if (filter.publishers && filter.publishers.length === 0) return { items: [], next: null };
    let q = this.db.selectFrom('event').selectAll();
    if (filter.actors) q = q.where('actor', 'in', filter.actors);
    if (filter.objectType) q = q.where('object_type', '=', filter.objectType);
    if (filter.objectId) q = q.where('object_id', '=', filter.objectId);
    if (filter.verbPrefix) {
      // substr rather than LIKE: a prefix typed by a person may hold % or _, which LIKE would treat as wildcards.
      const p = filter.verbPrefix;
      q = q.where(sql<string>`substr(verb, 1, ${sql.lit(p.length)})`, '=', p);
    }
    if (filter.from) q = q.where('at', '>=', filter.from);
    if (filter.to) q = q.where('at', '<', filter.to);
    if (filter.excludeVerbs?.length) q = q.where('verb', 'not in', filter.excludeVerbs);
    if (filter.publishers) {
      // The objects a publisher owns are its standards; text, disclosure, editorial and lifecycle events use the
      // standard's id as their object id, so one subquery covers them all.
      // Drafts (unpublished, so not yet in `standard`) are scoped by the publisher the editorial domain records.
      const pubs = filter.publishers;
      q = q.where((eb) =>
        eb.or([
          eb('object_id', 'in', eb.selectFrom('standard').select('standard.id').where('standard.body', 'in', pubs)),
          eb.and([
            eb('object_type', '=', 'draft'),
            eb('object_id', 'in', eb.selectFrom('editorial_draft').select('editorial_draft.id').where('editorial_draft.publisher', 'in', pubs)),
          ]),
        ]),
      );
    }
    if (page.cursor !== undefined) q = q.where('id', '<', page.cursor);
    const rows = (await q.orderBy('id', 'desc').limit(limit + 1).execute()) as Row[];
    const items = rows.slice(0, limit).map(toEvent);
    return { items, next: rows.length > limit ? items[items.length - 1].id : null };
  }

  async objectHistory(objectId: string, opts: { excludeVerbs?: string[]; max?: number } = {}): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('event').selectAll().where('object_id', '=', objectId);
    if (opts.excludeVerbs?.length) q = q.where('verb', 'not in', opts.excludeVerbs);
    const rows = (await q.orderBy('id', 'asc').limit(Math.max(1, Math.min(5000, opts.max ?? 1000))).execute()) as Row[];
    return rows.map(toEvent);
  }

  async verbs(): Promise<string[]> {
    const rows = await this.db.selectFrom('event').select('verb').distinct().orderBy('verb').limit(1000).execute();
    return rows.map((r) => r.verb);
  }

  async objectTypes(): Promise<string[]> {
    const rows = await this.db.selectFrom('event').select('object_type').distinct().orderBy('object_type').limit(1000).execute();
    return rows.map((r) => r.object_type);
  }
}
