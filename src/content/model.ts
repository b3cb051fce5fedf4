/**
 * The full-text content model, after Metanorma / NISO STS: front matter (foreword, introduction), a clause tree
 * with stable anchors ('5.2.1', 'A.3'), terms as entries, normative/informative references, annexes, tables,
 * figures, formulas, notes, examples, lists; inline emphasis and cross-references. One ContentDocument per edition
 * and language of a standard. Plain JSON so every adapter can store it.
 */

/** Inline content: text runs and marked-up spans, in document order (mixed content keeps its order). */
export type Inline =
  | string
  | { t: 'em' | 'strong' | 'sub' | 'sup' | 'code' | 'smallcaps' | 'underline'; c: Inline[] }
  /** A cross-reference to a clause, table, figure, term … of the same document (anchor of the target). */
  | { t: 'xref'; target: string; c: Inline[] }
  /** A reference to another standard (identifier text as printed, optionally a clause of it). */
  | { t: 'std'; ref: string; clause?: string; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }
  /** A term used in the text, pointing at its entry's anchor. */
  | { t: 'term'; target: string; c: Inline[] }
  /** MathML kept as MathML (serialised XML string), with a plain-text fallback. */
  | { t: 'math'; mathml: string; text: string }
  | { t: 'fn'; label?: string; c: Block[] }
  | { t: 'br' };

export interface TableCell {
  c: Block[];
  header?: boolean;
  colspan?: number;
  rowspan?: number;
  align?: 'left' | 'center' | 'right' | 'justify';
}

export type Block =
  | { t: 'p'; id?: string; lang?: string; c: Inline[] }
  | { t: 'list'; id?: string; ordered: boolean; items: { label?: string; c: Block[] }[] }
  | { t: 'note'; id?: string; label?: string; c: Block[] }
  | { t: 'example'; id?: string; label?: string; c: Block[] }
  /** Verbatim text kept exactly (ASCII art, code, plain-text tables of RFCs). */
  | { t: 'pre'; id?: string; kind: 'figure' | 'code' | 'table' | 'text'; text: string }
  | {
      t: 'table';
      id?: string;
      label?: string;
      caption?: Inline[];
      head: TableCell[][];
      body: TableCell[][];
      foot?: TableCell[][];
      notes?: Block[];
    }
  | { t: 'figure'; id?: string; label?: string; caption?: Inline[]; src?: string; alt?: string; c?: Block[] }
  | { t: 'formula'; id?: string; label?: string; mathml?: string; text: string }
  | {
      t: 'term';
      id: string;
      num?: string;
      /** Preferred term, then admitted synonyms; deprecated ones are listed apart. */
      term: string;
      synonyms: string[];
      deprecated?: string[];
      lang?: string;
      definition: Block[];
      notes: Block[];
      examples: Block[];
      /** Where the definition comes from ('ISO 12100:2010, 3.1'). */
      source?: Inline[];
    }
  | { t: 'ref'; id?: string; label?: string; c: Inline[]; stdRef?: string }
  | { t: 'quote'; c: Block[] };

export type SectionKind =
  | 'abstract'
  | 'foreword'
  | 'introduction'
  | 'clause'
  | 'scope'
  | 'terms'
  | 'normative-references'
  | 'informative-references'
  | 'bibliography'
  | 'annex'
  | 'index'
  | 'front-other';

export interface Section {
  /** Stable anchor used in permalinks: '5.2.1', 'A.3', 'foreword', 'introduction', 'bibliography'. */
  id: string;
  /** Number as printed ('5.2.1', 'Annex A', 'A.3'); absent for unnumbered front matter. */
  num?: string;
  title: Inline[];
  kind: SectionKind;
  /** For annexes. */
  obligation?: 'normative' | 'informative';
  lang?: string;
  blocks: Block[];
  children: Section[];
}

export interface ContentDocument {
  /** The catalogue record this text belongs to. */
  stdId: string;
  /** Edition key (the catalogue number or edition string); re-importing the same edition replaces it in place. */
  edition: string;
  lang: string;
  title: string;
  /**
   * Where the text came from. `parser` names the parser and its version ('rfc-text@1'): with the source hash it
   * explains why a re-import of the same bytes produced a different tree.
   */
  source: { format: string; ref: string; sha256: string; mediaType: string; parser?: string };
  front: Section[];
  body: Section[];
  back: Section[];
}

/** Depth-first walk over all sections of a document (front, body, back) with their parent anchor. */
export function* walkSections(doc: ContentDocument): Generator<{ section: Section; parent: string | null; depth: number }> {
  function* rec(list: Section[], parent: string | null, depth: number): Generator<{ section: Section; parent: string | null; depth: number }> {
    for (const s of list) {
      yield { section: s, parent, depth };
      yield* rec(s.children, s.id, depth + 1);
    }
  }
  yield* rec(doc.front, null, 0);
  yield* rec(doc.body, null, 0);
  yield* rec(doc.back, null, 0);
}

/** Plain text of inline content (for search, snippets and PDF). */
export function inlineText(c: Inline[]): string {
  let out = '';
  for (const i of c) {
    if (typeof i === 'string') out += i;
    else if (i.t === 'br') out += '\n';
    else if (i.t === 'math') out += i.text;
    else if (i.t === 'fn') continue;
    else out += inlineText(i.c);
  }
  return out;
}

/** Plain text of blocks, paragraphs separated by blank lines. */
export function blocksText(blocks: Block[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.t) {
      case 'p':
        parts.push(inlineText(b.c));
        break;
      case 'pre':
        parts.push(b.text);
        break;
      case 'formula':
        parts.push(b.text);
        break;
      case 'list':
        for (const it of b.items) parts.push(`${it.label ? `${it.label} ` : ''}${blocksText(it.c)}`);
        break;
      case 'note':
      case 'example':
      case 'quote':
        parts.push(blocksText(b.c));
        break;
      case 'table':
        for (const row of [...b.head, ...b.body, ...(b.foot ?? [])]) parts.push(row.map((cell) => blocksText(cell.c)).join(' | '));
        break;
      case 'figure':
        if (b.caption) parts.push(inlineText(b.caption));
        if (b.c) parts.push(blocksText(b.c));
        break;
      case 'term':
        parts.push([b.term, ...b.synonyms].join('; '), blocksText(b.definition), blocksText(b.notes));
        break;
      case 'ref':
        parts.push(inlineText(b.c));
        break;
    }
  }
  return parts.filter(Boolean).join('\n\n');
}
