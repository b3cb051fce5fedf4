import type { ClassificationCode } from './ports.js';

/**
 * Pure helpers for classification trees (no I/O): how a scheme encodes its hierarchy and how two versions of a
 * code compare. The store and the importers share them so "changed" means the same thing everywhere.
 */

/**
 * True when a scheme's codes nest by dotted prefix (ICS: '13.220' is the parent of '13.220.10'), so a standard
 * classified under any code starting with '13.220.' counts under 13.220 even if that exact code is missing from
 * the code list. CCS is not dotted: its level-2 codes are ranges ('A00/09') and the tree exists only via parent.
 */
export function isDottedScheme(scheme: string): boolean {
  return scheme === 'ics';
}

/** The parent of an ICS code by its dotted form ('13.220.10' → '13.220', '13' → null). */
export function icsParent(code: string): string | null {
  const i = code.lastIndexOf('.');
  return i < 0 ? null : code.slice(0, i);
}

/** The level of an ICS code (1 = field, 2 = group, 3 = sub-group). */
export function icsLevel(code: string): number {
  return code.split('.').length;
}

/** A code with every field present and in a fixed order, so equal codes serialise equally. */
export function normaliseCode(c: ClassificationCode): ClassificationCode {
  return {
    scheme: c.scheme,
    code: c.code,
    parent: c.parent ?? null,
    level: c.level,
    titleEn: c.titleEn ?? null,
    titleZh: c.titleZh ?? null,
    notes: [...(c.notes ?? [])],
    sort: c.sort,
  };
}

/** True when two codes carry the same data. */
export function sameCode(a: ClassificationCode, b: ClassificationCode): boolean {
  return JSON.stringify(normaliseCode(a)) === JSON.stringify(normaliseCode(b));
}
