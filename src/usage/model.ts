import bots from './bots.json' with { type: 'json' };

/**
 * Usage statistics (issue 3 §6), counted the way the national standards platform reports them: page views of a
 * standard (its catalogue page and clause permalinks), online reads (the reader opened) and downloads (PDF, HTML,
 * original source). Counts are per standard, per UTC day and per kind; bots are counted apart.
 */
export const USAGE_KINDS = ['view', 'read', 'download'] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/** True for a usage kind name. */
export function isUsageKind(v: unknown): v is UsageKind {
  return typeof v === 'string' && (USAGE_KINDS as readonly string[]).includes(v);
}

/** Milestones the statistics page reports ("how many standards passed 100 / 1,000 / 10,000 downloads"). */
export const USAGE_THRESHOLDS = [100, 1000, 10000] as const;

/** Longest standard id recorded (ids are slugs of numbers; anything longer is not a standard). */
export const MAX_STD_ID = 200;
/** Longest User-Agent looked at; the rest is ignored for bot rules and hashing. */
export const MAX_UA = 512;

/** One recorded use, after hashing: no raw address or user agent survives past `record()`. */
export interface UsageEvent {
  stdId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  kind: UsageKind;
  bot: boolean;
  /** Salted daily visitor hash (hex); null for bots (they are not counted as visitors). */
  visitor: string | null;
}

/**
 * Which routes count as what, as data: Fastify route patterns (as registered) tested in order. Page views are the
 * catalogue page and clause permalinks; reads the reader; downloads every download and the original source.
 */
export const USAGE_ROUTE_RULES: readonly { pattern: RegExp; kind: UsageKind }[] = [
  { pattern: /^\/std\/:id$/, kind: 'view' },
  { pattern: /^\/std\/:id\/clause(\/|$)/, kind: 'view' },
  { pattern: /^\/std\/:id\/read(\/|$|\.)/, kind: 'read' },
  { pattern: /^\/std\/:id\/download(\/|$|\.)/, kind: 'download' },
  { pattern: /^\/std\/:id\/source(\/|$|\.)/, kind: 'download' },
];

/** The usage kind of a GET route pattern ('/std/:id/read' → 'read'), or null when the route is not counted. */
export function usageKindOfRoute(routePattern: string | undefined): UsageKind | null {
  if (!routePattern) return null;
  for (const r of USAGE_ROUTE_RULES) if (r.pattern.test(routePattern)) return r.kind;
  return null;
}

const BOT_SUBSTRINGS: readonly string[] = bots.substrings.map((s) => s.toLowerCase());

/** True for an obvious automated client: no User-Agent, or one containing a rule from bots.json. */
export function isBot(userAgent: string | undefined | null): boolean {
  if (!userAgent || !userAgent.trim()) return true;
  const ua = userAgent.slice(0, MAX_UA).toLowerCase();
  for (const s of BOT_SUBSTRINGS) if (ua.includes(s)) return true;
  return false;
}
