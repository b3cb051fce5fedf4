import { createHash } from 'node:crypto';
import { normaliseIdentifierText, parseIdentifier } from './identifier.js';
import type { StandardRecord } from './model.js';

// Identifier texts repeat a lot (relation targets, re-imports): memoise parses in a bounded map.
const parseCache = new Map<string, ReturnType<typeof parseIdentifier>>();
function parseCached(text: string): ReturnType<typeof parseIdentifier> {
  let p = parseCache.get(text);
  if (p === undefined && !parseCache.has(text)) {
    if (parseCache.size >= 50_000) parseCache.clear();
    p = parseIdentifier(text);
    parseCache.set(text, p);
  }
  return p ?? null;
}

/** Lookup key of an identifier text: the parser's canonical form upper-cased, else the cleaned text upper-cased. */
export function identifierNorm(text: string): string {
  const p = parseCached(text);
  return (p ? p.canonical : normaliseIdentifierText(text)).toUpperCase();
}

/** Family key (number without edition year), upper-cased; null when the text does not parse. */
export function identifierFamily(text: string): string | null {
  const p = parseCached(text);
  return p ? p.familyKey.toUpperCase() : null;
}

/** JSON with object keys sorted, so equal records hash equally whatever order an importer built them in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = v[k];
      return out;
    }
    return v;
  });
}

export function contentHash(record: StandardRecord): string {
  return hashJson(canonicalJson(record));
}

/** Hash of an already canonical JSON text (so a store serialises a record once for both hash and storage). */
export function hashJson(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
}

/** A sortable key for a partial date ('2008-11' → '2008-11-00'). */
export function dateSortKey(v: string | undefined): string | null {
  if (!v) return null;
  const [y, m = '00', d = '00'] = v.split('-');
  return `${y}-${m}-${d}`;
}
