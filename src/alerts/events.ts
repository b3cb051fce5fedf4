/**
 * Reads the append-only event log as changes to standards. The verbs come from several domains (catalogue
 * upserts, lifecycle status changes, bulletins, editorial publishing, stored texts); each is read leniently: an
 * event of unknown shape yields no change rather than an error, so one odd event never blocks the fan-out.
 */
import { ENDED_STATUSES, type Change } from './model.js';

/** An event row as stored (before/after are JSON text). */
export interface EventRow {
  id: number;
  at: string;
  actor: string;
  verb: string;
  object_type: string;
  object_id: string;
  before: string | null;
  after: string | null;
}

function parse(json: string | null): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

/** The bulletin an event cites (the bulletins domain puts { bulletin: id, label } in its per-standard events). */
function bulletinOf(after: Record<string, unknown> | null): { id: string; title: string | null } | null {
  const id = str(after?.bulletin);
  return id ? { id, title: str(after?.label) } : null;
}

/** A successor named in an event payload, under any of the names the producing domains use (also in `cause`). */
function successorIn(o: Record<string, unknown> | null): string | null {
  if (!o) return null;
  const cause = o.cause;
  if (cause && typeof cause === 'object') {
    const c = cause as Record<string, unknown>;
    if (c.type === 'replaced' || c.related) {
      const r = str(c.related);
      if (r) return r;
    }
  }
  for (const k of ['successorId', 'successor', 'replacedBy', 'related', 'relatedId']) {
    const v = o[k];
    if (typeof v === 'string' && v) return v;
    if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  }
  return null;
}

/** The standards a bulletin names: every `{ id, number }` reference (item.std, item.replaces[]) in the payload. */
export function stdRefsIn(payload: unknown, out: Map<string, { id: string; role: 'std' | 'replaced'; successorId: string | null }> = new Map(), depth = 0): Map<string, { id: string; role: 'std' | 'replaced'; successorId: string | null }> {
  if (depth > 6 || payload === null || typeof payload !== 'object') return out;
  if (Array.isArray(payload)) {
    for (const x of payload.slice(0, 5000)) stdRefsIn(x, out, depth + 1);
    return out;
  }
  const o = payload as Record<string, unknown>;
  const ref = (v: unknown): string | null => (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : typeof v === 'string' ? v : null);
  const std = ref(o.std) ?? str(o.stdId);
  if (std && !out.has(std)) out.set(std, { id: std, role: 'std', successorId: null });
  if (Array.isArray(o.replaces))
    for (const r of o.replaces) {
      const id = ref(r);
      if (id) out.set(id, { id, role: 'replaced', successorId: std });
    }
  for (const [k, v] of Object.entries(o)) if (k !== 'std' && k !== 'replaces' && v && typeof v === 'object') stdRefsIn(v, out, depth + 1);
  return out;
}

function bulletinTitle(after: Record<string, unknown> | null): string | null {
  if (!after) return null;
  const t = after.title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>;
    return str(o.zh) ?? str(o.en);
  }
  const num = after.number;
  const year = after.year;
  if (typeof num === 'number' && typeof year === 'number') return `${str(after.publisher) ?? ''} ${year}-${num}`.trim();
  return null;
}

/** The changes to standards that one event records (often one, several for a bulletin, none for most verbs). */
export function changesOf(e: EventRow): Change[] {
  const before = parse(e.before);
  const after = parse(e.after);
  switch (e.verb) {
    case 'standard.created':
    case 'standard.published': {
      // The editorial domain publishes through the catalogue (its 'standard.created'/'updated' event comes first);
      // a publication that only updated a record is no new standard (its status change, if any, is read there).
      if (e.verb === 'standard.published' && str(after?.record) && after?.record !== 'created') return [];
      const status = str(after?.status);
      // Importing an old, already replaced edition is history, not news.
      if (status && ENDED_STATUSES.has(status)) return [];
      return [{ type: 'created', stdId: e.object_id }];
    }
    case 'standard.abolished':
    case 'standard.replaced': {
      // The bulletins domain announces a future abolition or replacement on the standard itself (the status change
      // follows as 'standard.status_changed' when the date arrives): news of the bulletin, not yet a status.
      const b = bulletinOf(after);
      if (b)
        return [
          {
            type: 'bulletin',
            stdId: e.object_id,
            bulletin: b,
            action: e.verb === 'standard.replaced' ? 'replacement' : 'abolition',
            successorId: successorIn(after),
            effectiveDate: str(after?.date) ?? str(after?.abolitionDate),
          },
        ];
      if (e.verb === 'standard.replaced') return [{ type: 'status', stdId: e.object_id, fromStatus: str(before?.status), toStatus: 'replaced', successorId: successorIn(after) }];
      return [{ type: 'status', stdId: e.object_id, fromStatus: str(before?.status), toStatus: 'abolished' }];
    }
    case 'standard.updated':
    case 'standard.status_changed':
    case 'standard.withdrawn': {
      const from = str(before?.status);
      let to = str(after?.status);
      if (!to && e.verb === 'standard.withdrawn') to = 'withdrawn';
      if (!to || to === from) return [];
      return [{ type: 'status', stdId: e.object_id, fromStatus: from, toStatus: to, successorId: successorIn(after) }];
    }
    case 'standard.announced': {
      const b = bulletinOf(after);
      return [{ type: 'announced', stdId: str(after?.stdId) ?? e.object_id, bulletin: b, effectiveDate: str(after?.implementationDate) }];
    }
    case 'bulletin.published': {
      const bulletin = { id: e.object_id, title: bulletinTitle(after) };
      return [...stdRefsIn(after?.items ?? after).values()].map((r) => ({
        type: 'bulletin' as const,
        stdId: r.id,
        bulletin,
        successorId: r.successorId,
      }));
    }
    case 'content.created':
    case 'text.published':
    case 'translation.published':
      return [{ type: 'text', stdId: str(after?.stdId) ?? e.object_id, lang: str(after?.lang) }];
    default:
      return [];
  }
}
