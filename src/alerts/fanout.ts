/**
 * Notification fan-out (the outbox pattern): reads the append-only event log after a durable cursor, turns each
 * event into changes to standards, matches them against the watches and creates notifications — for one event
 * all in one transaction with the cursor move, so a restart resumes exactly after the last event handled, and the
 * unique keys (person, event, watch) and (person, dedupe key) make a replay harmless. A watch on a standard that
 * gets replaced moves to the successor (event 'watch.followed_successor' plus a notification that says so).
 */
import { primaryIdentifier, titleIn, type StandardRecord } from '../catalogue/model.js';
import type { CatalogueStore } from '../catalogue/ports.js';
import { parseIdentifier } from '../catalogue/identifier.js';
import type { CatalogueSearch } from '../search/ports.js';
import { changesOf, type EventRow } from './events.js';
import { ENDED_STATUSES, WATCH_RANK, dedupeKey, matchWatch, type Change, type NotificationKind, type NotificationSummary, type StdFacts, type Watch } from './model.js';
import type { AlertStore, NewNotification, WatchMove } from './ports.js';
import { parseSavedSearch, savedSearchMatches } from './search-watch.js';

export const FANOUT_CURSOR = 'fanout';

export interface FanOutDeps {
  store: AlertStore;
  catalogue: Pick<CatalogueStore, 'get' | 'relations'>;
  search: CatalogueSearch;
  /** Successors known to the lifecycle domain (dated 'replaced' facts), when wired. */
  successorsOf?: (stdId: string) => Promise<string[]>;
}

/** Family key as the catalogue store computes it (the number without its edition year, upper-case). */
export function familyOf(r: StandardRecord): string {
  const primary = primaryIdentifier(r);
  return (parseIdentifier(primary.value)?.familyKey ?? primary.value).toUpperCase();
}

/** The facts the matcher needs, from a catalogue record. */
export function factsOf(r: StandardRecord): StdFacts {
  const title: Record<string, string> = {};
  for (const l of ['zh', 'en']) {
    const t = titleIn(r, l);
    if (t) title[l] = t;
  }
  return {
    id: r.id,
    number: primaryIdentifier(r).value,
    family: familyOf(r),
    body: r.body,
    committee: r.committee ?? null,
    docType: r.docType,
    nature: r.nature ?? null,
    status: r.status,
    year: r.year ?? parseIdentifier(primaryIdentifier(r).value)?.year ?? null,
    ics: r.classifications.filter((c) => c.scheme === 'ics').map((c) => c.code),
    ccs: r.classifications.filter((c) => c.scheme === 'ccs').map((c) => c.code),
    title,
  };
}

function recordIn(json: string | null): StandardRecord | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<StandardRecord>;
    return v && typeof v.id === 'string' && Array.isArray(v.identifiers) && v.identifiers.length && Array.isArray(v.titles) && Array.isArray(v.classifications) ? (v as StandardRecord) : null;
  } catch {
    return null;
  }
}

/** Picks the successor of a replaced standard: named by the event, else lifecycle facts, else catalogue relations. */
async function successorOf(deps: FanOutDeps, change: Change): Promise<StandardRecord | null> {
  const tryId = async (id: string | null | undefined) => (id ? deps.catalogue.get(id) : null);
  const named = await tryId(change.successorId);
  if (named) return named;
  for (const id of (await deps.successorsOf?.(change.stdId)) ?? []) {
    const r = await tryId(id);
    if (r) return r;
  }
  const rels = (await deps.catalogue.relations(change.stdId)).filter((r) => r.type === 'replacedBy' && r.targetId);
  // Prefer a successor that is itself alive (in force or about to be), then the newest.
  rels.sort((a, b) => Number(ENDED_STATUSES.has(a.targetStatus ?? '')) - Number(ENDED_STATUSES.has(b.targetStatus ?? '')) || (b.targetId ?? '').localeCompare(a.targetId ?? ''));
  return rels.length ? tryId(rels[0].targetId) : null;
}

/** What one event means for the watches: notifications to create and watches to move. */
export async function planEvent(deps: FanOutDeps, e: EventRow, sets?: Watch[]): Promise<{ notes: NewNotification[]; moves: WatchMove[] }> {
  const notes: NewNotification[] = [];
  const moves: WatchMove[] = [];
  const changes = changesOf(e);
  if (!changes.length) return { notes, moves };
  const setWatches = sets ?? (await deps.store.setWatches());
  for (const change of changes) {
    const record = (await deps.catalogue.get(change.stdId)) ?? (e.object_id === change.stdId ? recordIn(e.after) : null);
    const facts = record ? factsOf(record) : null;
    const keyed = await deps.store.candidateWatches({ id: change.stdId, family: facts?.family ?? null, body: facts?.body ?? null });
    const candidates = [...keyed, ...setWatches.map((w) => ({ ...w, watchedFamily: null }))]
      .filter((w) => w.sinceEventId < e.id)
      .sort((a, b) => WATCH_RANK[a.kind] - WATCH_RANK[b.kind]);
    const best = new Map<string, { watch: Watch; kind: NotificationKind }>();
    for (const w of candidates) {
      let searchMatched = false;
      if (w.kind === 'search') {
        // Searching is the costly check: skip it when it cannot change the outcome (sets ignore bulletin lines;
        // a search is the least specific watch, so a person already matched keeps that match).
        if (!facts || change.type === 'bulletin' || best.has(w.personId)) continue;
        searchMatched = await savedSearchMatches(deps.search, parseSavedSearch(w.target), facts);
      }
      const kind = matchWatch(change, facts, w, { watchedFamily: w.watchedFamily, searchMatched });
      if (!kind) continue;
      const prev = best.get(w.personId);
      if (!prev || WATCH_RANK[w.kind] < WATCH_RANK[prev.watch.kind]) best.set(w.personId, { watch: w, kind });
    }
    if (!best.size) continue;
    const replaced = change.type === 'status' && change.toStatus === 'replaced';
    const successor = replaced || change.action === 'replacement' ? await successorOf(deps, change) : null;
    const succ = successor ? factsOf(successor) : null;
    for (const { watch, kind } of best.values()) {
      const summary: NotificationSummary = {
        kind,
        stdId: change.stdId,
        number: facts?.number ?? change.stdId,
        title: facts?.title ?? {},
        fromStatus: change.fromStatus ?? null,
        toStatus: change.toStatus ?? null,
        successor: succ ? { id: succ.id, number: succ.number } : null,
        bulletin: change.bulletin ?? null,
        action: change.action ?? null,
        effectiveDate: change.effectiveDate ?? null,
        lang: change.lang ?? null,
        watch: { kind: watch.kind, target: watch.target, label: watch.label },
        verb: e.verb,
        at: e.at,
      };
      notes.push({ personId: watch.personId, eventId: e.id, watchId: watch.id, kind, stdId: change.stdId, summary, dedupeKey: dedupeKey(change, kind) });
    }
    // Only the replacement itself moves watches; a bulletin announcing a future one just says so.
    if (replaced && succ && facts && succ.id !== change.stdId)
      for (const w of candidates)
        if (w.kind === 'standard' && w.target === change.stdId)
          moves.push({ watch: w, previous: { id: facts.id, number: facts.number, title: facts.title }, successor: { id: succ.id, number: succ.number, title: succ.title } });
  }
  return { notes, moves };
}

/**
 * Runs the fan-out until the log is caught up (or `maxEvents` were read). With nobody watching anything the
 * cursor jumps to the end (a bulk import before the first watch is not read event by event).
 */
export async function runFanOut(deps: FanOutDeps, now: Date, opts: { batch?: number; maxEvents?: number; rescan?: number } = {}): Promise<{ events: number; notifications: number }> {
  const batch = opts.batch ?? 500;
  const maxEvents = opts.maxEvents ?? 50_000;
  const at = now.toISOString();
  const oldest = await deps.store.oldestWatchSince();
  let cursor = (await deps.store.cursor(FANOUT_CURSOR)) ?? 0;
  if (oldest === null) {
    const max = await deps.store.maxEventId();
    if (max > cursor) await deps.store.setCursor(FANOUT_CURSOR, max, at);
    return { events: 0, notifications: 0 };
  }
  // On PostgreSQL, ids are handed out before commit: a transaction that commits late can leave a lower id behind
  // a cursor that already moved past it. Re-reading a window below the cursor catches such events; replaying is
  // harmless (unique keys, guarded watch moves). SQLite commits one writer at a time: no window needed there.
  if (opts.rescan) cursor = Math.max(0, cursor - opts.rescan);
  // Events before the oldest watch cannot concern anyone.
  if (oldest > cursor) cursor = oldest;
  let events = 0;
  let notifications = 0;
  while (events < maxEvents) {
    const rows = await deps.store.eventsAfter(cursor, batch);
    if (!rows.length) break;
    let skipped: number | null = null;
    // Code, committee and search watches are read once per batch (a bulk import brings thousands of events).
    const sets = await deps.store.setWatches();
    for (const e of rows) {
      const plan = await planEvent(deps, e, sets);
      if (plan.notes.length || plan.moves.length) {
        notifications += await deps.store.applyEvent(FANOUT_CURSOR, e.id, plan.notes, plan.moves, at);
        skipped = null;
      } else skipped = e.id;
      cursor = e.id;
      events++;
    }
    // Events that concerned nobody move the cursor once per batch (fewer writes; replaying them is harmless).
    if (skipped !== null && skipped > ((await deps.store.cursor(FANOUT_CURSOR)) ?? 0)) await deps.store.setCursor(FANOUT_CURSOR, skipped, at);
  }
  return { events, notifications };
}
