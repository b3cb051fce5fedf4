import { z } from 'zod';
import { AppError } from '../kernel/errors.js';

/**
 * The filters of the audit view, its CSV export and GET /api/v1/audit, parsed once from a query string. Strict:
 * a wrong date or an over-long value is invalid_query (400) with details { param, reason }, never a silent drop.
 */
export interface AuditQuery {
  /** Name, e-mail or id of a person (resolved to their actor strings). */
  person?: string;
  /** An exact actor string ('user:…', 'importer:rfc-index', 'system:lifecycle', 'cli'). */
  actor?: string;
  objectType?: string;
  objectId?: string;
  /** Verb or verb prefix ('standard.', 'text.accessed'). */
  verb?: string;
  /** First day (YYYY-MM-DD, UTC), inclusive. */
  from?: string;
  /** Last day (YYYY-MM-DD, UTC), inclusive. */
  to?: string;
  /** Keyset cursor (id of the last event of the previous page). */
  cursor?: number;
  /** Page size. */
  limit: number;
}

export const AUDIT_LIMITS = { textChars: 200, defaultLimit: 50, maxLimit: 200 } as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const text = z.string().trim().max(AUDIT_LIMITS.textChars, `longer than ${AUDIT_LIMITS.textChars} characters`);
const day = z
  .string()
  .trim()
  .regex(DAY, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

const schema = z.object({
  person: text.optional(),
  actor: text.optional(),
  type: text.optional(),
  object: text.optional(),
  verb: text.optional(),
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().regex(/^\d{1,15}$/, 'must be a whole number').transform(Number).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1).max(AUDIT_LIMITS.maxLimit, `must be ${AUDIT_LIMITS.maxLimit} or less`))
    .optional(),
});

/** Parses the audit filters from a Fastify query object (repeated parameters are refused). */
export function parseAuditQuery(raw: Record<string, unknown>): AuditQuery {
  const single: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = raw[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) throw new AppError('invalid_query', `Invalid query parameter "${key}": may be given only once`, { param: key, reason: 'repeated' });
    const s = String(v);
    if (s.trim() !== '') single[key] = s;
  }
  const r = schema.safeParse(single);
  if (!r.success) {
    const issue = r.error.issues[0];
    const param = String(issue.path[0] ?? '');
    throw new AppError('invalid_query', `Invalid query parameter "${param}": ${issue.message}`, { param, reason: 'bad_format' });
  }
  const q = r.data;
  if (q.from && q.to && q.from > q.to) throw new AppError('invalid_query', 'Invalid query parameter "to": before "from"', { param: 'to', reason: 'bad_range' });
  return {
    person: q.person || undefined,
    actor: q.actor || undefined,
    objectType: q.type || undefined,
    objectId: q.object || undefined,
    verb: q.verb || undefined,
    from: q.from,
    to: q.to,
    cursor: q.cursor,
    limit: q.limit ?? AUDIT_LIMITS.defaultLimit,
  };
}

/** The query as URL parameters (for pagination links and the CSV link), without cursor and limit. */
export function auditQueryParams(q: AuditQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.person) p.set('person', q.person);
  if (q.actor) p.set('actor', q.actor);
  if (q.objectType) p.set('type', q.objectType);
  if (q.objectId) p.set('object', q.objectId);
  if (q.verb) p.set('verb', q.verb);
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  return p;
}

/** The day after a YYYY-MM-DD date (the exclusive upper bound of an inclusive "to" day). */
export function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
