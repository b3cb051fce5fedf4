import { createHash } from 'node:crypto';
import { normaliseIdentifierText, parseIdentifier } from './identifier.js';
import type { StandardRecord } from './model.js';

/** Lookup key of an identifier text: the parser's canonical form upper-cased, else the cleaned text upper-cased. */
export function identifierNorm(text: string): string {
  const p = parseIdentifier(text);
  return (p ? p.canonical : normaliseIdentifierText(text)).toUpperCase();
}

/** Family key (number without edition year), upper-cased; null when the text does not parse. */
export function identifierFamily(text: string): string | null {
  const p = parseIdentifier(text);
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
  return createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32);
}

/** A sortable key for a partial date ('2008-11' → '2008-11-00'). */
export function dateSortKey(v: string | undefined): string | null {
  if (!v) return null;
  const [y, m = '00', d = '00'] = v.split('-');
  return `${y}-${m}-${d}`;
}
