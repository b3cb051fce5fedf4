/**
 * The approval bulletin (国家标准公告, "National Standard Announcement No. 14 of 2025"): a numbered announcement
 * of a publisher listing new standards, revisions (each replacing named older standards) and abolitions, each with
 * its dates of legal effect. Publishing it applies every line at once (see service.ts). Pure rules live here:
 * the shapes, the date checks and the parser of pasted lines; nothing here touches storage.
 */
import { isPartialDate } from '../catalogue/model.js';

export const ITEM_KINDS = ['new', 'revision', 'abolition'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export type BulletinState = 'draft' | 'published';

/** An issuing body as printed on the bulletin (国家市场监督管理总局 / SAMR). */
export interface IssuingBody {
  zh?: string;
  en?: string;
}

export interface Bulletin {
  id: string;
  publisher: string;
  number: number;
  year: number;
  /** 'YYYY-MM-DD' */
  date: string;
  issuingBodies: IssuingBody[];
  title: { zh: string | null; en: string | null };
  state: BulletinState;
  publishedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

/** A standard named on a bulletin: catalogue id plus the number as announced. */
export interface StdRef {
  id: string;
  number: string;
}

export interface BulletinItem {
  seq: number;
  kind: ItemKind;
  std: StdRef;
  /** For revisions: the standards it replaces. */
  replaces: StdRef[];
  releaseDate: string | null;
  implementationDate: string | null;
  abolitionDate: string | null;
  note: string | null;
}

/** A bulletin with its items, in order. */
export interface BulletinWithItems extends Bulletin {
  items: BulletinItem[];
}

/** Header fields an editor sets (create and edit). */
export interface BulletinHeaderInput {
  publisher: string;
  number: number;
  year: number;
  date: string;
  issuingBodies: IssuingBody[];
  titleZh?: string | null;
  titleEn?: string | null;
}

/** An item as typed: standards named by number (any form the catalogue resolver accepts). */
export interface ItemInput {
  kind: ItemKind;
  number: string;
  replaces?: string[];
  releaseDate?: string | null;
  implementationDate?: string | null;
  abolitionDate?: string | null;
  note?: string | null;
}

/** Limits on what an editor may submit (input is bounded everywhere). */
export const LIMITS = {
  itemsPerBulletin: 5000,
  linesPerPaste: 2000,
  pasteChars: 200_000,
  numberChars: 100,
  noteChars: 500,
  titleChars: 300,
  issuingBodies: 10,
  issuingBodyChars: 100,
  replacesPerItem: 20,
} as const;

/** The default issuing bodies of a Chinese national standard announcement. */
export const CN_ISSUING_BODIES: IssuingBody[] = [
  { zh: '国家市场监督管理总局', en: 'State Administration for Market Regulation' },
  { zh: '国家标准化管理委员会', en: 'Standardization Administration of China' },
];

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written 'YYYY-MM-DD' (dates of legal effect are never partial here). */
export function isFullDate(v: unknown): v is string {
  return typeof v === 'string' && FULL_DATE.test(v) && isPartialDate(v);
}

/**
 * Problems with one item's dates (message codes, empty when fine). New and revised standards need a release and an
 * implementation date, the implementation not before the release; an abolition may carry its own date (else the
 * bulletin date applies).
 */
export function itemDateProblems(item: Pick<ItemInput, 'kind' | 'releaseDate' | 'implementationDate' | 'abolitionDate'>): string[] {
  const out: string[] = [];
  if (item.kind === 'abolition') {
    if (item.abolitionDate != null && !isFullDate(item.abolitionDate)) out.push('bad_abolition_date');
    return out;
  }
  if (!isFullDate(item.releaseDate)) out.push('bad_release_date');
  if (!isFullDate(item.implementationDate)) out.push('bad_implementation_date');
  if (isFullDate(item.releaseDate) && isFullDate(item.implementationDate) && item.implementationDate < item.releaseDate)
    out.push('implementation_before_release');
  return out;
}

/** One pasted line after splitting; `line` is its 1-based position in the pasted text. */
export interface PastedLine {
  line: number;
  text: string;
  item: ItemInput;
}

/**
 * Parses pasted text, one standard per line. A line is a number, optionally followed by columns separated by a tab
 * or '|': for new standards and revisions `number | release | implementation | replaced numbers (comma- or
 * semicolon-separated)`; for abolitions `number | abolition date`. Empty columns take the form's defaults. Blank
 * lines are skipped; a line starting with '#' is a comment.
 */
export function parsePastedLines(text: string, kind: ItemKind, defaults: Omit<ItemInput, 'kind' | 'number'> = {}): PastedLine[] {
  const out: PastedLine[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw || raw.startsWith('#')) continue;
    const cols = raw.split(/\t|\|/).map((c) => c.trim());
    const pick = (j: number, d: string | null | undefined) => (cols[j] ? cols[j] : (d ?? null));
    const item: ItemInput =
      kind === 'abolition'
        ? { kind, number: cols[0], abolitionDate: pick(1, defaults.abolitionDate), note: defaults.note ?? null }
        : {
            kind,
            number: cols[0],
            releaseDate: pick(1, defaults.releaseDate),
            implementationDate: pick(2, defaults.implementationDate),
            replaces: cols[3] ? splitNumbers(cols[3]) : (defaults.replaces ?? []),
            note: defaults.note ?? null,
          };
    out.push({ line: i + 1, text: raw, item });
  }
  return out;
}

/** Splits a list of standard numbers written with commas, semicolons or their full-width forms. */
export function splitNumbers(text: string): string[] {
  return text
    .split(/[,;，；、]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "2025年第14号" / "No. 14 of 2025". */
export function bulletinLabel(b: Pick<Bulletin, 'number' | 'year'>, lang: 'zh' | 'en'): string {
  return lang === 'zh' ? `${b.year}年第${b.number}号` : `No. ${b.number} of ${b.year}`;
}

/** Site path of a published bulletin's public page. */
export function bulletinPath(b: Pick<Bulletin, 'publisher' | 'year' | 'number'>): string {
  return `/bulletins/${encodeURIComponent(b.publisher)}/${b.year}/${b.number}`;
}
