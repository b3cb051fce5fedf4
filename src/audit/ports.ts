/**
 * The audit domain's ports: a read-only view of the append-only event log, and a directory that turns actor
 * strings ('user:<id>', 'importer:<name>', 'system:<job>', 'cli') into something a person can read. Writing
 * events stays with the domain that makes the change (in its own transaction); the log has no update or delete.
 */

/** One recorded event, JSON payloads parsed. */
export interface AuditEvent {
  id: number;
  /** UTC ISO-8601 time of the change. */
  at: string;
  actor: string;
  verb: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
}

/** Filters of the audit view and API; all optional, combined with AND. */
export interface EventFilter {
  /** Exact actor strings (one person may act as several, e.g. resolved from a name search). */
  actors?: string[];
  objectType?: string;
  objectId?: string;
  /** Dotted verb prefix: 'standard' matches 'standard.published', 'standard.updated'; a full verb matches itself. */
  verbPrefix?: string;
  /** Inclusive lower bound on `at` (ISO time or YYYY-MM-DD). */
  from?: string;
  /** Exclusive upper bound on `at` (ISO time or YYYY-MM-DD). */
  to?: string;
  /**
   * Publisher scope: only events about objects owned by these publishers (standards whose body is one of them,
   * the text/disclosure/editorial/lifecycle events whose object id is such a standard's id, and their drafts).
   * Absent = all.
   */
  publishers?: string[];
  /** Verbs to leave out (the public history hides access events such as 'text.accessed'). */
  excludeVerbs?: string[];
}

/** Keyset page: newest first; `cursor` is the id of the last event of the previous page. */
export interface EventPageRequest {
  limit: number;
  cursor?: number;
}

export interface EventPage {
  items: AuditEvent[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next: number | null;
}

/** Read access to the event log. No method changes or removes an event (the database refuses that too). */
export interface EventLog {
  /** Events matching the filter, newest first, one keyset page at a time. */
  list(filter: EventFilter, page: EventPageRequest): Promise<EventPage>;
  /** Every event whose object id is `objectId` (any object type), oldest first, at most `max`. */
  objectHistory(objectId: string, opts?: { excludeVerbs?: string[]; max?: number }): Promise<AuditEvent[]>;
  /** Distinct verbs seen so far (for the filter's choice list), sorted. */
  verbs(): Promise<string[]>;
  /** Distinct object types seen so far, sorted. */
  objectTypes(): Promise<string[]>;
}

/** How an actor is shown: its name for those allowed to see it, its role for everyone else. */
export interface ActorInfo {
  actor: string;
  /** Person's display name, the importer or job name, or the raw actor string when unknown. */
  name: string;
  /** Role key for the public view: 'admin', 'editor', 'user', 'importer', 'system', 'cli', 'anonymous', … */
  role: string;
}

/** Resolves actors to people (via the accounts tables when they exist) and people to actors. */
export interface ActorDirectory {
  describe(actors: string[]): Promise<Map<string, ActorInfo>>;
  /** Actor strings of the people whose name or e-mail contains `text` (case-insensitive), at most `max`. */
  findActors(text: string, max?: number): Promise<string[]>;
}
