/**
 * Reader domain helpers that know nothing about HTML: the table of contents, citation text, the term glossary
 * used for hover definitions, the standards a text cites, and bilingual alignment of two texts by anchor.
 */
import { blocksText, inlineText, walkSections, type Block, type ContentDocument, type Inline, type Section } from '../content/model.js';

export interface TocEntry {
  id: string;
  num?: string;
  title: string;
  children: TocEntry[];
}

/** The nested table of contents of a document (front, body, back), from its section tree. */
export function buildToc(doc: ContentDocument): TocEntry[] {
  const rec = (list: Section[]): TocEntry[] =>
    list.map((s) => ({ id: s.id, ...(s.num ? { num: s.num } : {}), title: inlineText(s.title), children: rec(s.children) }));
  return [...rec(doc.front), ...rec(doc.body), ...rec(doc.back)];
}

/** How a section is cited: 'RFC 9110, 9.3.1', 'T/STDHUB 1-2025, Annex A', 'ISO 1, Foreword' (title when unnumbered). */
export function citationText(number: string, section: Pick<Section, 'num' | 'title'>): string {
  const where = section.num?.trim() || inlineText(section.title).trim();
  return where ? `${number}, ${where}` : number;
}

/** Finds a section by anchor, with its ancestors (outermost first). */
export function findSection(doc: ContentDocument, anchor: string): { section: Section; ancestors: Section[] } | null {
  const rec = (list: Section[], path: Section[]): { section: Section; ancestors: Section[] } | null => {
    for (const s of list) {
      if (s.id === anchor) return { section: s, ancestors: path };
      const hit = rec(s.children, [...path, s]);
      if (hit) return hit;
    }
    return null;
  };
  return rec(doc.front, []) ?? rec(doc.body, []) ?? rec(doc.back, []);
}

/** Longest hover definition kept (a tooltip, not a page). */
const MAX_DEF = 400;

/** Term anchor → 'term: definition' for hover titles on term references. */
export function termGlossary(doc: ContentDocument): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (blocks: Block[]) => {
    for (const b of blocks) {
      if (b.t === 'term') {
        let def = blocksText(b.definition).replace(/\s+/g, ' ').trim();
        if (def.length > MAX_DEF) def = `${def.slice(0, MAX_DEF - 1)}…`;
        out.set(b.id, def ? `${b.term}: ${def}` : b.term);
      } else if (b.t === 'note' || b.t === 'example' || b.t === 'quote') visit(b.c);
      else if (b.t === 'list') for (const it of b.items) visit(it.c);
    }
  };
  for (const { section } of walkSections(doc)) visit(section.blocks);
  return out;
}

/** Every anchor a cross-reference may point at (sections and anchored blocks). */
export function anchorsOf(doc: ContentDocument): Set<string> {
  const out = new Set<string>();
  const visitBlocks = (blocks: Block[]) => {
    for (const b of blocks) {
      if ('id' in b && b.id) out.add(b.id);
      if (b.t === 'note' || b.t === 'example' || b.t === 'quote') visitBlocks(b.c);
      else if (b.t === 'list') for (const it of b.items) visitBlocks(it.c);
    }
  };
  for (const { section } of walkSections(doc)) {
    out.add(section.id);
    visitBlocks(section.blocks);
  }
  return out;
}

/** Distinct standard references ({t:'std'} inlines and reference entries) cited by a text, at most `limit`. */
export function citedStandards(doc: ContentDocument, limit = 300): string[] {
  const out = new Set<string>();
  const inl = (c: Inline[]) => {
    for (const i of c) {
      if (out.size >= limit) return;
      if (typeof i === 'string') continue;
      if (i.t === 'std') out.add(i.ref);
      if (i.t === 'fn') blocks(i.c);
      else if ('c' in i && Array.isArray(i.c)) inl(i.c as Inline[]);
    }
  };
  const blocks = (bs: Block[]) => {
    for (const b of bs) {
      if (out.size >= limit) return;
      switch (b.t) {
        case 'p':
          inl(b.c);
          break;
        case 'ref':
          if (b.stdRef) out.add(b.stdRef);
          inl(b.c);
          break;
        case 'note':
        case 'example':
        case 'quote':
          blocks(b.c);
          break;
        case 'list':
          for (const it of b.items) blocks(it.c);
          break;
        case 'term':
          blocks(b.definition);
          blocks(b.notes);
          break;
        case 'table':
          for (const row of [...b.head, ...b.body]) for (const cell of row) blocks(cell.c);
          break;
        default:
          break;
      }
    }
  };
  for (const { section } of walkSections(doc)) blocks(section.blocks);
  return [...out];
}

/** One row of the bilingual view: the same anchor in both texts (either side may be missing). */
export interface AlignedRow {
  id: string;
  depth: number;
  left?: Section;
  right?: Section;
}

/** Aligns two texts section by section on their anchors, in the left text's order; right-only sections follow. */
export function alignByAnchor(left: ContentDocument, right: ContentDocument): AlignedRow[] {
  const rightById = new Map<string, { section: Section; depth: number }>();
  for (const { section, depth } of walkSections(right)) rightById.set(section.id, { section, depth });
  const rows: AlignedRow[] = [];
  const seen = new Set<string>();
  for (const { section, depth } of walkSections(left)) {
    seen.add(section.id);
    rows.push({ id: section.id, depth, left: section, right: rightById.get(section.id)?.section });
  }
  for (const [id, r] of rightById) if (!seen.has(id)) rows.push({ id, depth: r.depth, right: r.section });
  return rows;
}
