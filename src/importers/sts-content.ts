/**
 * The text of an STS document (front sections, body, back) → the content model (Section / Block / Inline).
 *
 * Two passes over the element tree:
 * 1. index: every section-like element, table, figure, formula, reference, footnote and term gets its stable
 *    anchor ('5.2.1', 'A', 'A.3', 'table-3', 'figure-A.1', 'formula-2', 'ref-19'), from its <label> where it has
 *    one, so an anchor survives re-imports of the same edition; every @id maps to an anchor (its own, or its
 *    nearest anchored ancestor's), so <xref rid=…> can point at the anchor whatever the target is.
 * 2. convert: sections, blocks and inlines in document order (mixed content keeps its order; a block inside a
 *    paragraph — a list in a <p>, which JATS allows — splits the paragraph around it).
 *
 * Elements with no representation in the model are counted and reported once per element name (never dropped
 * silently); pure metadata inside the text (std-id-group, object-id, TBX grammar fields) is skipped on purpose.
 */
import type { Block, Inline, Section, SectionKind } from '../content/model.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import { textOf, type XmlElement, type XmlNode } from '../xml/safe-sax.js';
import { mathText, serialiseMathml } from './sts-math.js';
import { calsTable, isCalsTable, xhtmlTable, type TableRows } from './sts-table.js';

export interface ContentOptions {
  /** File name for diagnostics. */
  file: string;
  /** Language of the document (terms in this language get the plain anchor). */
  lang: string;
  diagnostics: Diagnostic[];
}

/** Where parts of the text come from: one document may combine an adoption's front with the adopted standard's. */
export interface TextParts {
  front: XmlElement[];
  body: XmlElement[];
  back: XmlElement[];
}

export interface ConvertedText {
  front: Section[];
  body: Section[];
  back: Section[];
}

/** Elements that start a block (and split a paragraph that contains them). */
const BLOCK = new Set([
  'p', 'list', 'def-list', 'non-normative-note', 'non-normative-example', 'table-wrap', 'table-wrap-group', 'table',
  'oasis:table', 'array', 'fig', 'fig-group', 'graphic', 'disp-formula', 'disp-formula-group', 'preformat',
  'disp-quote', 'boxed-text', 'ref-list', 'ref', 'fn-group', 'term-sec', 'tbx:termEntry', 'sec', 'app', 'notes',
  'statement', 'code', 'alternatives',
]);
const MARKS: Record<string, 'em' | 'strong' | 'sub' | 'sup' | 'code' | 'smallcaps' | 'underline'> = {
  italic: 'em',
  bold: 'strong',
  sub: 'sub',
  sup: 'sup',
  monospace: 'code',
  sc: 'smallcaps',
  underline: 'underline',
};
/** Inline wrappers whose content is kept without a mark of its own. */
const FLATTEN = new Set([
  'roman', 'styled-content', 'named-content', 'num', 'abbrev', 'mixed-citation', 'element-citation', 'source',
  'year', 'overline', 'strike', 'target', 'hi', 'tbx:hi', 'term', 'chem-struct', 'ruby', 'private-char',
  'std-organization', 'edition', 'person-group', 'string-name', 'collab', 'article-title', 'label', 'title',
  'caption', 'ext-link-group', 'def', 'p', 'tbx:foreign', 'tbx:ph', 'x', 'page-range', 'fpage', 'lpage',
  'publisher-name', 'publisher-loc', 'comment', 'unstructured-kwd-group', 'kwd', 'inline-supplementary-material',
]);
/** Metadata or apparatus inside the text, skipped on purpose (not content). */
const SKIP = new Set([
  'std-id-group', 'std-id', 'object-id', 'alt-text', 'long-desc', 'index-term', 'index-term-range-end',
  'processing-meta', 'custom-meta-group', 'tbx:partOfSpeech', 'tbx:normativeAuthorization', 'tbx:termType',
  'tbx:grammaticalGender', 'tbx:grammaticalNumber', 'tbx:pronunciation', 'tbx:geographicalUsage',
  'tbx:subjectField', 'tbx:usageNote', 'term-display', 'col', 'colgroup', 'annex-type', 'permissions',
  'tbx:xSource', 'tbx:termGrp', 'xi:include', 'break-before', 'page-count',
]);
const ORDERED = new Set(['order', 'alpha-lower', 'alpha-upper', 'roman-lower', 'roman-upper', 'arabic', 'number']);
const SAFE_URL = /^(https?:|ftp:|mailto:)/i;
/** Image references: a relative name ('e1d18be9.001.gif') or an http(s) URL; never javascript:, data:, file:… */
const safeSrc = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  if (!t) return undefined;
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(t) && !/^https?:/i.test(t) ? undefined : t;
};

const ws = (s: string) => s.replace(/[ \t\r\n]+/g, ' ').trim();
const elements = (el: XmlElement) => el.children.filter((c): c is XmlElement => typeof c !== 'string');
const child = (el: XmlElement, key: string) => elements(el).find((c) => c.key === key);

/** A label as printed, whitespace-normalised ('Annex A', 'Table 3', '5.2.1'). */
function labelOf(el: XmlElement): string | undefined {
  const l = child(el, 'label');
  const t = l ? ws(textOf(l)) : '';
  return t || undefined;
}

/** Anchor-safe form: only [A-Za-z0-9._-]. */
function safe(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** The number part of a label: 'Annex A' → 'A', 'Table A.1' → 'A.1', '(2)' → '2', '5.2.1' → '5.2.1'. */
function labelNumber(label: string): string {
  const t = label.replace(/[()[\]]/g, ' ').trim();
  const parts = t.split(/\s+/);
  // Keep the last token that carries a digit or is a single annex letter: 'Annex A', 'Table B.2', 'Figure 3a'.
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i].replace(/[.:—–-]+$/, '');
    if (/\d/.test(p) || /^[A-Z](\.\d+)*$/.test(p)) return p;
  }
  return t.replace(/[.:]+$/, '');
}

const SEC_TYPE_KIND: Record<string, SectionKind> = {
  intro: 'introduction',
  introduction: 'introduction',
  foreword: 'foreword',
  scope: 'scope',
  'norm-refs': 'normative-references',
  terms: 'terms',
  bibl: 'bibliography',
  bibliography: 'bibliography',
  index: 'index',
  abstract: 'abstract',
};
const KIND_ANCHOR: Partial<Record<SectionKind, string>> = {
  foreword: 'foreword',
  introduction: 'introduction',
  bibliography: 'bibliography',
  index: 'index',
  abstract: 'abstract',
  'normative-references': 'normative-references',
};

interface Unsupported {
  count: number;
  line: number;
  col: number;
}

/** Converts the text parts of one document. */
export function convertText(parts: TextParts, opts: ContentOptions): ConvertedText {
  return new StsTextConverter(opts).convert(parts);
}

class StsTextConverter {
  private readonly anchorOf = new Map<XmlElement, string>();
  private readonly idAnchor = new Map<string, string>();
  private readonly anchorLabel = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly fnById = new Map<string, XmlElement>();
  /** Footnotes placed under a table or figure: referenced by xref, printed with their table/figure. */
  private readonly attachedFn = new Set<XmlElement>();
  private readonly inlinedFn = new Set<XmlElement>();
  private readonly unresolved = new Map<string, Unsupported>();
  private readonly unsupported = new Map<string, Unsupported>();
  private counter = 0;

  constructor(private readonly opts: ContentOptions) {}

  convert(parts: TextParts): ConvertedText {
    for (const roots of [parts.front, parts.body, parts.back]) for (const r of roots) this.index(r, null, null);
    const out: ConvertedText = {
      front: parts.front.flatMap((f) => this.area(f, 'front')),
      body: parts.body.flatMap((b) => this.area(b, 'body')),
      back: parts.back.flatMap((b) => this.area(b, 'back')),
    };
    const leftover = [...this.fnById.values()].filter((f) => !this.inlinedFn.has(f) && !this.attachedFn.has(f) && !this.placed.has(f));
    if (leftover.length) {
      out.back.push({
        id: this.unique('footnotes'),
        title: ['Footnotes'],
        kind: 'front-other',
        blocks: leftover.map((f) => this.footnoteNote(f)),
        children: [],
      });
    }
    this.report();
    return out;
  }

  // -- pass 1: anchors ----------------------------------------------------------------------------------------

  private unique(base: string): string {
    let a = base || `sec-${++this.counter}`;
    if (this.used.has(a)) {
      let n = 2;
      while (this.used.has(`${a}-${n}`)) n++;
      a = `${a}-${n}`;
    }
    this.used.add(a);
    return a;
  }

  private isSectionLike(el: XmlElement): boolean {
    return el.key === 'sec' || el.key === 'app' || (el.key === 'ref-list' && !!child(el, 'title'));
  }

  private kindOf(el: XmlElement, area: 'front' | 'body' | 'back'): SectionKind {
    const type = (el.attrs['sec-type'] ?? el.attrs['content-type'] ?? '').toLowerCase();
    if (el.key === 'app') return type === 'bibl' ? 'bibliography' : 'annex';
    if (el.key === 'ref-list') return type === 'norm-refs' ? 'normative-references' : 'bibliography';
    if (el.key === 'term-sec') return 'terms';
    const k = SEC_TYPE_KIND[type];
    if (k) return k;
    const t = child(el, 'title');
    const title = t ? ws(textOf(t)).toLowerCase() : '';
    if (/^foreword$|^avant-propos$|^vorwort$|^前言$/.test(title)) return 'foreword';
    if (/^introduction$|^einleitung$|^引言$/.test(title)) return 'introduction';
    if (/^bibliography$|^bibliographie$|^参考文献$/.test(title)) return 'bibliography';
    return area === 'front' ? 'front-other' : 'clause';
  }

  private sectionAnchor(el: XmlElement, area: 'front' | 'body' | 'back'): string {
    const label = labelOf(el);
    const kind = this.kindOf(el, area);
    if (kind === 'bibliography' || (!label && KIND_ANCHOR[kind])) return this.unique(KIND_ANCHOR[kind] ?? 'bibliography');
    if (label) {
      const n = safe(el.key === 'app' || /^[A-Za-z]+\s/.test(label) ? labelNumber(label) : label.replace(/[.:]+$/, ''));
      if (n) return this.unique(n);
    }
    if (el.attrs.id) return this.unique(safe(el.attrs.id));
    return this.unique('');
  }

  private blockAnchor(el: XmlElement, prefix: string): string {
    const label = labelOf(el);
    if (label) {
      const n = safe(labelNumber(label));
      if (n) return this.unique(`${prefix}-${n}`);
    }
    if (el.attrs.id) return this.unique(safe(el.attrs.id));
    return this.unique(`${prefix}-${++this.counter}`);
  }

  private area(el: XmlElement, area: 'front' | 'body' | 'back'): Section[] {
    // The area elements (front/body/back/adoption-front/app-group) are containers of sections and loose blocks.
    const sections: Section[] = [];
    let loose: XmlNode[] = [];
    const flushLoose = () => {
      const blocks = this.flow(loose);
      loose = [];
      if (!blocks.length) return;
      sections.push({ id: this.unique(area === 'body' ? 'body' : area), title: [], kind: area === 'front' ? 'front-other' : 'clause', blocks, children: [] });
    };
    for (const c of el.children) {
      if (typeof c !== 'string' && (this.isSectionLike(c) || c.key === 'term-sec' || c.key === 'app-group')) {
        flushLoose();
        if (c.key === 'app-group') sections.push(...this.area(c, area));
        else sections.push(this.section(c, area));
      } else if (typeof c !== 'string' && /-meta$|^std-doc-meta$|^processing-meta$/.test(c.key)) {
        continue;
      } else loose.push(c);
    }
    flushLoose();
    return sections;
  }

  private index(el: XmlElement, inherited: string | null, area: 'front' | 'body' | 'back' | null): void {
    let a = area;
    if (el.key === 'front' || el.key === 'adoption-front') a = 'front';
    else if (el.key === 'body') a = 'body';
    else if (el.key === 'back') a = 'back';
    let anchor: string | undefined;
    if (this.isSectionLike(el)) anchor = this.sectionAnchor(el, a ?? 'body');
    else if (el.key === 'term-sec') anchor = this.termAnchor(el);
    else if (el.key === 'table-wrap') anchor = this.blockAnchor(el, 'table');
    else if (el.key === 'fig') anchor = this.blockAnchor(el, 'figure');
    else if (el.key === 'disp-formula' && (labelOf(el) || el.attrs.id)) anchor = this.blockAnchor(el, 'formula');
    else if (el.key === 'ref' && (labelOf(el) || el.attrs.id)) anchor = this.blockAnchor(el, 'ref');
    else if (el.key === 'fn') {
      anchor = this.blockAnchor(el, 'fn');
      if (el.attrs.id) this.fnById.set(el.attrs.id, el);
    }
    if (anchor) {
      this.anchorOf.set(el, anchor);
      const label = labelOf(el);
      if (label) this.anchorLabel.set(anchor, label);
    }
    const here = anchor ?? inherited;
    if (el.attrs.id && here && !this.idAnchor.has(el.attrs.id)) this.idAnchor.set(el.attrs.id, here);
    for (const c of el.children) if (typeof c !== 'string') this.index(c, here, a);
    if (el.key === 'table-wrap-foot' || el.key === 'fig')
      for (const f of descendants(el, 'fn')) this.attachedFn.add(f);
  }

  private termAnchor(el: XmlElement): string {
    const label = labelOf(el);
    if (label) return this.unique(safe(label.replace(/[.:]+$/, '')));
    const entry = child(el, 'tbx:termEntry');
    if (entry?.attrs.id) return this.unique(safe(entry.attrs.id));
    if (el.attrs.id) return this.unique(safe(el.attrs.id));
    return this.unique(`term-${++this.counter}`);
  }

  // -- pass 2: sections ----------------------------------------------------------------------------------------

  private section(el: XmlElement, area: 'front' | 'body' | 'back'): Section {
    const id = this.anchorOf.get(el) ?? this.unique('');
    const kind = this.kindOf(el, area);
    const label = labelOf(el);
    const titleEl = child(el, 'title');
    const s: Section = {
      id,
      title: titleEl ? this.inlines(titleEl.children) : [],
      kind,
      blocks: [],
      children: [],
    };
    if (label) s.num = label;
    if (el.attrs['xml:lang']) s.lang = el.attrs['xml:lang'];
    if (el.key === 'app' && kind === 'annex') {
      const ob = obligationOf(el);
      if (ob) s.obligation = ob;
    }
    if (el.key === 'term-sec') {
      s.blocks = this.termSec(el);
      const first = s.blocks[0];
      if (!s.title.length && first?.t === 'term') s.title = [first.term];
      return s;
    }
    const rest: XmlNode[] = [];
    for (const c of el.children) {
      if (typeof c !== 'string' && (c.key === 'label' || c.key === 'title' || c.key === 'annex-type')) continue;
      if (typeof c !== 'string' && this.isSectionLike(c)) {
        s.blocks.push(...this.flow(rest.splice(0)));
        s.children.push(this.section(c, area));
      } else rest.push(c);
    }
    s.blocks.push(...this.flow(rest));
    return s;
  }

  // -- blocks -------------------------------------------------------------------------------------------------

  /** Children in order → blocks; runs of inline content become paragraphs. */
  private flow(nodes: XmlNode[], lang?: string): Block[] {
    const out: Block[] = [];
    let run: XmlNode[] = [];
    const flush = () => {
      if (!run.length) return;
      const c = this.inlines(run);
      run = [];
      if (c.length) out.push(lang ? { t: 'p', lang, c } : { t: 'p', c });
    };
    for (const n of nodes) {
      if (typeof n !== 'string' && (BLOCK.has(n.key) || (n.key === 'fn' && this.attachedFn.has(n)))) {
        flush();
        out.push(...this.block(n));
      } else run.push(n);
    }
    flush();
    return out;
  }

  private block(el: XmlElement): Block[] {
    switch (el.key) {
      case 'p':
        return this.flow(el.children, el.attrs['xml:lang']);
      case 'list':
        return this.list(el);
      case 'def-list':
        return this.defList(el);
      case 'non-normative-note':
      case 'notes':
        return [this.labelled('note', el)];
      case 'non-normative-example':
        return [this.labelled('example', el)];
      case 'statement':
      case 'boxed-text':
        return this.flow(el.children.filter((c) => typeof c === 'string' || c.key !== 'label'));
      case 'table-wrap':
        return this.tableWrap(el);
      case 'table-wrap-group':
      case 'fig-group':
      case 'disp-formula-group':
        return this.flow(el.children);
      case 'table':
      case 'oasis:table':
      case 'array': {
        const rows = this.rowsOf(el);
        return rows ? [{ t: 'table', ...rows }] : [];
      }
      case 'fig':
        return [this.figure(el)];
      case 'graphic': {
        const src = safeSrc(el.attrs['xlink:href']);
        return src ? [{ t: 'figure', src }] : [];
      }
      case 'disp-formula':
        return [this.formula(el)];
      case 'preformat':
      case 'code':
        return [{ t: 'pre', kind: el.attrs['preformat-type'] === 'code' || el.key === 'code' ? 'code' : 'text', text: textOf(el) }];
      case 'disp-quote':
        return [{ t: 'quote', c: this.flow(el.children) }];
      case 'ref-list':
        return this.refList(el);
      case 'ref':
        return this.ref(el);
      case 'fn':
        return this.inlinedFn.has(el) ? [] : [this.placeFootnote(el)];
      case 'fn-group':
        return elements(el)
          .filter((f) => f.key === 'fn' && !this.inlinedFn.has(f))
          .map((f) => this.placeFootnote(f));
      case 'term-sec':
        return this.termSec(el);
      case 'tbx:termEntry':
        return this.termEntry(el, this.anchorOf.get(el) ?? this.unique(safe(el.attrs.id ?? '') || `term-${++this.counter}`), undefined);
      case 'sec':
      case 'app': {
        // A section where only blocks may stand (inside a list item, say): keep its text, title as a paragraph.
        const title = child(el, 'title');
        const head: Block[] = title ? [{ t: 'p', c: [{ t: 'strong', c: this.inlines(title.children) }] }] : [];
        return [...head, ...this.flow(el.children.filter((c) => typeof c === 'string' || (c.key !== 'title' && c.key !== 'label')))];
      }
      case 'alternatives': {
        // Equivalent renditions: take the richest one the model can hold.
        const pick =
          elements(el).find((c) => c.key === 'mml:math') ??
          elements(el).find((c) => c.key === 'table' || c.key === 'oasis:table') ??
          elements(el)[0];
        return pick ? this.flow([pick]) : [];
      }
      default:
        return this.flow(el.children);
    }
  }

  private labelled(t: 'note' | 'example', el: XmlElement): Extract<Block, { t: 'note' | 'example' }> {
    const label = labelOf(el);
    const c = this.flow(el.children.filter((n) => typeof n === 'string' || n.key !== 'label'));
    const b: Extract<Block, { t: 'note' | 'example' }> = { t, c };
    if (label) b.label = label;
    if (el.attrs.id) b.id = this.anchorOf.get(el) ?? el.attrs.id;
    return b;
  }

  private list(el: XmlElement): Block[] {
    const head: Block[] = [];
    for (const k of ['title', 'label'] as const) {
      const h = child(el, k);
      if (h) {
        const c = this.inlines(h.children);
        if (c.length) head.push({ t: 'p', c });
      }
    }
    const items: { label?: string; c: Block[] }[] = [];
    for (const it of elements(el)) {
      if (it.key !== 'list-item') continue;
      const label = labelOf(it);
      const c = this.flow(it.children.filter((n) => typeof n === 'string' || n.key !== 'label'));
      items.push(label ? { label, c } : { c });
    }
    const type = (el.attrs['list-type'] ?? '').toLowerCase();
    return [...head, { t: 'list', ordered: ORDERED.has(type), items }];
  }

  private defList(el: XmlElement): Block[] {
    const head: Block[] = [];
    for (const k of ['title', 'label'] as const) {
      const h = child(el, k);
      if (h) {
        const c = this.inlines(h.children);
        if (c.length) head.push({ t: 'p', c });
      }
    }
    const items: { label?: string; c: Block[] }[] = [];
    for (const it of elements(el)) {
      if (it.key !== 'def-item') continue;
      const term = child(it, 'term');
      const def = child(it, 'def');
      // The item label is plain text; MathML in a symbol keeps its text rendering here.
      const label = term ? ws(plainText(this.inlines(term.children))) : '';
      const c = def ? this.flow(def.children) : [];
      items.push(label ? { label, c } : { c });
    }
    return [...head, { t: 'list', ordered: false, items }];
  }

  /**
   * Caption title (and inline-only caption paragraphs) as the caption; caption paragraphs holding blocks (the
   * key of a figure is often a def-list inside <caption><p>) come back as blocks for the figure/table body.
   */
  private captionOf(el: XmlElement): { caption?: Inline[]; blocks: Block[] } {
    const cap = child(el, 'caption');
    if (!cap) return { blocks: [] };
    const parts: Inline[] = [];
    const blocks: Block[] = [];
    for (const c of elements(cap)) {
      const flowed = c.key === 'title' ? null : this.flow([c]);
      if (flowed && (flowed.length !== 1 || flowed[0].t !== 'p')) {
        blocks.push(...flowed);
        continue;
      }
      const inl = flowed ? (flowed[0] as Extract<Block, { t: 'p' }>).c : this.inlines(c.children);
      if (!inl.length) continue;
      if (parts.length) parts.push(' ');
      parts.push(...inl);
    }
    return parts.length ? { caption: parts, blocks } : { blocks };
  }

  private rowsOf(table: XmlElement): TableRows | null {
    const inner = table.key === 'array' ? elements(table).find((c) => c.key === 'table' || c.key === 'oasis:table' || c.key === 'tbody') : table;
    if (!inner) return null;
    const cell = (c: XmlElement) => this.flow(c.children);
    if (inner.key === 'tbody') return xhtmlTable({ ...table, children: [inner] }, cell);
    return isCalsTable(inner) ? calsTable(inner, cell) : xhtmlTable(inner, cell);
  }

  private tableWrap(el: XmlElement): Block[] {
    const tables = elements(el).flatMap((c) =>
      c.key === 'table' || c.key === 'oasis:table' || c.key === 'array'
        ? [c]
        : c.key === 'alternatives'
          ? elements(c).filter((a) => a.key === 'table' || a.key === 'oasis:table').slice(0, 1)
          : [],
    );
    const notes: Block[] = [];
    for (const foot of elements(el).filter((c) => c.key === 'table-wrap-foot')) notes.push(...this.flow(foot.children));
    const out: Block[] = [];
    const label = labelOf(el);
    const { caption, blocks: captionBlocks } = this.captionOf(el);
    notes.unshift(...captionBlocks);
    tables.forEach((t, i) => {
      const rows = this.rowsOf(t) ?? { head: [], body: [], foot: [] };
      const b: Extract<Block, { t: 'table' }> = { t: 'table', head: rows.head, body: rows.body };
      if (rows.foot.length) b.foot = rows.foot;
      if (i === 0) {
        b.id = this.anchorOf.get(el);
        if (label) b.label = label;
        if (caption) b.caption = caption;
      }
      if (i === tables.length - 1 && notes.length) b.notes = notes;
      out.push(b);
    });
    if (!tables.length) {
      // A table given only as an image (or empty): keep what there is as a figure so the label and caption stay.
      const graphic = descendants(el, 'graphic')[0];
      const fig: Extract<Block, { t: 'figure' }> = { t: 'figure', id: this.anchorOf.get(el) };
      if (label) fig.label = label;
      if (caption) fig.caption = caption;
      const src = safeSrc(graphic?.attrs['xlink:href']);
      if (src) fig.src = src;
      if (notes.length) fig.c = notes;
      out.push(fig);
    }
    return out;
  }

  private figure(el: XmlElement): Block {
    const fig: Extract<Block, { t: 'figure' }> = { t: 'figure', id: this.anchorOf.get(el) };
    const label = labelOf(el);
    if (label) fig.label = label;
    const { caption, blocks: captionBlocks } = this.captionOf(el);
    if (caption) fig.caption = caption;
    const graphic = child(el, 'graphic') ?? descendants(el, 'graphic')[0];
    const src = safeSrc(graphic?.attrs['xlink:href']);
    if (src) fig.src = src;
    const alt = child(el, 'alt-text') ?? (graphic && child(graphic, 'alt-text'));
    if (alt) fig.alt = ws(textOf(alt));
    const rest = el.children.filter(
      (c) => typeof c === 'string' || !['label', 'caption', 'graphic', 'alt-text', 'long-desc', 'object-id'].includes(c.key),
    );
    const c = [...captionBlocks, ...this.flow(rest)];
    if (c.length) fig.c = c;
    return fig;
  }

  private formula(el: XmlElement): Block {
    const f: Extract<Block, { t: 'formula' }> = { t: 'formula', text: '' };
    const id = this.anchorOf.get(el);
    if (id) f.id = id;
    const label = labelOf(el);
    if (label) f.label = label;
    const math = descendants(el, 'mml:math')[0];
    if (math) {
      f.mathml = serialiseMathml(math);
      f.text = mathText(math);
    } else {
      const tex = descendants(el, 'tex-math')[0];
      f.text = tex ? textOf(tex).trim() : ws(textOf({ ...el, children: el.children.filter((c) => typeof c === 'string' || c.key !== 'label') }));
    }
    return f;
  }

  private refList(el: XmlElement): Block[] {
    const out: Block[] = [];
    for (const c of el.children) {
      if (typeof c === 'string') continue;
      if (c.key === 'ref') out.push(...this.ref(c));
      else if (c.key === 'title' || c.key === 'label') continue;
      else if (c.key === 'ref-list') {
        const title = child(c, 'title');
        if (title) out.push({ t: 'p', c: [{ t: 'strong', c: this.inlines(title.children) }] });
        out.push(...this.refList(c));
      } else out.push(...this.flow([c]));
    }
    return out;
  }

  private ref(el: XmlElement): Block[] {
    const label = labelOf(el);
    const notes: XmlElement[] = [];
    const content: XmlNode[] = [];
    for (const c of el.children) {
      if (typeof c !== 'string' && c.key === 'label') continue;
      if (typeof c !== 'string' && (c.key === 'non-normative-note' || c.key === 'non-normative-example')) notes.push(c);
      else content.push(c);
    }
    const b: Extract<Block, { t: 'ref' }> = { t: 'ref', c: this.inlines(content) };
    const id = this.anchorOf.get(el);
    if (id) b.id = id;
    if (label) b.label = label;
    const stdRef = descendants(el, 'std-ref')[0];
    const std = descendants(el, 'std')[0];
    const ref = stdRef ? ws(textOf(stdRef)) : std ? stdText(std).ref : '';
    if (ref) b.stdRef = ref;
    return [b, ...notes.flatMap((n) => this.block(n))];
  }

  // -- footnotes --------------------------------------------------------------------------------------------

  private readonly placed = new Set<XmlElement>();

  private footnoteNote(fn: XmlElement): Block {
    const b = this.labelled('note', fn);
    b.id = this.anchorOf.get(fn);
    return b;
  }

  private placeFootnote(fn: XmlElement): Block {
    this.placed.add(fn);
    return this.footnoteNote(fn);
  }

  // -- terms --------------------------------------------------------------------------------------------------

  private termSec(el: XmlElement): Block[] {
    const anchor = this.anchorOf.get(el) ?? this.unique(`term-${++this.counter}`);
    const num = labelOf(el);
    const out: Block[] = [];
    for (const c of elements(el)) {
      if (c.key === 'tbx:termEntry') out.push(...this.termEntry(c, anchor, num));
      else if (c.key === 'term-sec') out.push(...this.termSec(c));
      else if (c.key === 'label' || c.key === 'title' || SKIP.has(c.key)) continue;
      else out.push(...this.flow([c]));
    }
    return out;
  }

  private termEntry(entry: XmlElement, anchor: string, num: string | undefined): Block[] {
    const sets = elements(entry).filter((c) => c.key === 'tbx:langSet');
    if (!sets.length) return [];
    const primary = sets.find((s) => s.attrs['xml:lang'] === this.opts.lang) ?? sets[0];
    return sets.map((set) => {
      const lang = set.attrs['xml:lang'];
      const id = set === primary ? anchor : this.unique(`${anchor}-${safe(lang ?? '') || 'x'}`);
      return this.langSet(set, id, num, lang);
    });
  }

  private langSet(set: XmlElement, id: string, num: string | undefined, lang: string | undefined): Block {
    const terms: { text: string; status: string }[] = [];
    const definition: Block[] = [];
    const notes: Block[] = [];
    const examples: Block[] = [];
    let source: Inline[] | undefined;
    for (const c of elements(set)) {
      switch (c.key) {
        case 'tbx:tig':
        case 'tbx:ntig': {
          const termEl = descendants(c, 'tbx:term')[0];
          const text = termEl ? ws(textOf(termEl)) : '';
          const status = descendants(c, 'tbx:normativeAuthorization')[0]?.attrs.value ?? '';
          if (text) terms.push({ text, status });
          break;
        }
        case 'tbx:definition':
          definition.push(...this.flow(c.children));
          break;
        case 'tbx:note':
          notes.push(splitLeadingLabel({ t: 'note', c: this.flow(c.children) }, /^(NOTE(?:\s+\d+)?(?:\s+to entry)?:?)\s+/));
          break;
        case 'tbx:example':
          examples.push(splitLeadingLabel({ t: 'example', c: this.flow(c.children) }, /^(EXAMPLE(?:\s+\d+)?:?)\s+/));
          break;
        case 'tbx:source': {
          const s = this.inlines(c.children);
          if (s.length) source = source ? [...source, '; ', ...s] : s;
          break;
        }
        case 'tbx:see':
        case 'tbx:crossReference':
        case 'tbx:usageNote': {
          const inl = this.inlines(c.children);
          if (inl.length) notes.push({ t: 'note', c: [{ t: 'p', c: c.key === 'tbx:usageNote' ? inl : ['See: ', ...inl] }] });
          break;
        }
        case 'tbx:xGraphic': {
          const src = safeSrc(c.attrs.target ?? ws(textOf(c)));
          if (src) examples.push({ t: 'figure', src });
          break;
        }
        default:
          if (!SKIP.has(c.key)) this.noteUnsupported(c);
      }
    }
    if (!source) source = extractBracketSource(definition);
    const deprecatedStatus = (s: string) => s === 'deprecatedTerm' || s === 'supersededTerm';
    const preferred = terms.find((t) => t.status === 'preferredTerm') ?? terms.find((t) => !deprecatedStatus(t.status)) ?? terms[0];
    const synonyms = terms.filter((t) => t !== preferred && !deprecatedStatus(t.status)).map((t) => t.text);
    const deprecated = terms.filter((t) => t !== preferred && deprecatedStatus(t.status)).map((t) => t.text);
    const b: Extract<Block, { t: 'term' }> = {
      t: 'term',
      id,
      term: preferred?.text ?? '',
      synonyms,
      definition,
      notes,
      examples,
    };
    if (num) b.num = num;
    if (deprecated.length) b.deprecated = deprecated;
    if (lang) b.lang = lang;
    if (source?.length) b.source = source;
    return b;
  }

  // -- inlines ------------------------------------------------------------------------------------------------

  /** Inline content, whitespace-normalised (runs of XML whitespace → one space; trimmed at both ends). */
  inlines(nodes: XmlNode[]): Inline[] {
    const raw: Inline[] = [];
    for (const n of nodes) this.inline(n, raw);
    return tidy(raw, true);
  }

  private inline(n: XmlNode, out: Inline[]): void {
    if (typeof n === 'string') {
      out.push(n);
      return;
    }
    const mark = MARKS[n.key];
    if (mark) {
      const c = this.rawInlines(n.children);
      if (c.length) out.push({ t: mark, c });
      return;
    }
    switch (n.key) {
      case 'break':
        out.push({ t: 'br' });
        return;
      case 'xref':
        out.push(...this.xref(n));
        return;
      case 'std':
        out.push(this.std(n));
        return;
      case 'std-ref': {
        const ref = ws(textOf(n));
        if (ref) out.push({ t: 'std', ref, c: this.rawInlines(n.children) });
        return;
      }
      case 'ext-link':
      case 'uri':
      case 'email':
      case 'self-uri': {
        const text = ws(textOf(n));
        let href = n.attrs['xlink:href'] ?? text;
        if (n.key === 'email' && !/^mailto:/i.test(href)) href = `mailto:${href}`;
        const c = this.rawInlines(n.children);
        if (SAFE_URL.test(href)) out.push({ t: 'link', href, c: c.length ? c : [href] });
        else out.push(...c); // never keep javascript:, data:, relative or odd schemes as links
        return;
      }
      case 'inline-formula': {
        const math = descendants(n, 'mml:math')[0];
        if (math) out.push({ t: 'math', mathml: serialiseMathml(math), text: mathText(math) });
        else {
          const tex = descendants(n, 'tex-math')[0];
          out.push(...(tex ? [textOf(tex).trim()] : this.rawInlines(n.children)));
        }
        return;
      }
      case 'mml:math':
        out.push({ t: 'math', mathml: serialiseMathml(n), text: mathText(n) });
        return;
      case 'fn': {
        if (this.attachedFn.has(n)) return; // printed with its table or figure
        this.inlinedFn.add(n);
        out.push(this.fnInline(n));
        return;
      }
      case 'tbx:entailedTerm': {
        const text = ws(textOf(n));
        const explicit = n.attrs.target ? this.idAnchor.get(n.attrs.target.replace(/^#/, '')) : undefined;
        const num = /\(([0-9A-Z][0-9A-Za-z.]*)\)\s*$/.exec(text)?.[1];
        const target = explicit ?? (num && this.used.has(num) ? num : undefined);
        const c = this.rawInlines(n.children);
        out.push(target ? { t: 'term', target, c } : { t: 'em', c });
        return;
      }
      case 'inline-graphic':
      case 'graphic':
        this.noteUnsupported(n);
        return;
      default:
        if (SKIP.has(n.key)) return;
        if (!FLATTEN.has(n.key) && !n.key.startsWith('tbx:')) this.noteUnsupported(n);
        for (const c of n.children) this.inline(c, out);
    }
  }

  private rawInlines(nodes: XmlNode[]): Inline[] {
    const raw: Inline[] = [];
    for (const n of nodes) this.inline(n, raw);
    return tidy(raw, false);
  }

  private fnInline(fn: XmlElement): Inline {
    const label = labelOf(fn);
    const c = this.flow(fn.children.filter((x) => typeof x === 'string' || x.key !== 'label'));
    return label ? { t: 'fn', label, c } : { t: 'fn', c };
  }

  private xref(n: XmlElement): Inline[] {
    const rid = (n.attrs.rid ?? '').trim().split(/\s+/)[0] ?? '';
    const c = this.rawInlines(n.children);
    const fn = this.fnById.get(rid);
    if (fn && (n.attrs['ref-type'] ?? 'fn') === 'fn' && !this.attachedFn.has(fn) && !this.inlinedFn.has(fn) && !this.placed.has(fn)) {
      // The first reference to a footnote carries it (the reader shows it as a footnote there).
      this.inlinedFn.add(fn);
      return [this.fnInline(fn)];
    }
    const target = this.idAnchor.get(rid);
    if (!target) {
      const u = this.unresolved.get(rid);
      if (u) u.count++;
      else this.unresolved.set(rid, { count: 1, line: n.line, col: n.col });
      return c;
    }
    return [{ t: 'xref', target, c: c.length ? c : [this.anchorLabel.get(target) ?? target] }];
  }

  private std(n: XmlElement): Inline {
    const { ref, clause } = stdText(n);
    const c: Inline[] = [];
    for (const x of n.children) {
      if (typeof x !== 'string' && x.key === 'title') {
        const t = this.rawInlines(x.children);
        if (t.length) c.push({ t: 'em', c: t });
      } else if (typeof x !== 'string' && x.key === 'std-ref') {
        c.push(...this.rawInlines(x.children));
      } else this.inline(x, c);
    }
    const out: Inline = { t: 'std', ref, c: tidy(c, true) };
    if (clause) out.clause = clause;
    return out;
  }

  // -- diagnostics ----------------------------------------------------------------------------------------------

  private noteUnsupported(el: XmlElement): void {
    const u = this.unsupported.get(el.key);
    if (u) u.count++;
    else this.unsupported.set(el.key, { count: 1, line: el.line, col: el.col });
  }

  private report(): void {
    const file = this.opts.file;
    for (const [key, u] of this.unsupported)
      this.opts.diagnostics.push({
        id: 'sts.element_not_represented',
        severity: 'minor',
        category: 'content',
        message: `<${key}> has no place in the content model; its text is kept where possible (${u.count}×, first here)`,
        location: { file, line: u.line, col: u.col },
      });
    for (const [rid, u] of this.unresolved)
      this.opts.diagnostics.push({
        id: 'sts.xref_unresolved',
        severity: 'minor',
        category: 'content',
        message: `cross-reference to "${rid}" has no target in the document (${u.count}×, first here); kept as text`,
        location: { file, line: u.line, col: u.col },
      });
  }
}

// -- helpers ------------------------------------------------------------------------------------------------

function descendants(el: XmlElement, key: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (typeof c === 'string') continue;
      if (c.key === key) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

function obligationOf(app: XmlElement): 'normative' | 'informative' | undefined {
  const at = child(app, 'annex-type');
  const t = `${at ? textOf(at) : ''} ${app.attrs['content-type'] ?? ''}`.toLowerCase();
  if (/informative|inform-annex/.test(t)) return 'informative';
  if (/normative|norm-annex/.test(t)) return 'normative';
  return undefined;
}

/** The standard cited by <std>: the std-ref if any, else its visible text; 'IEC 60050-191:1990, 05-01' → clause '05-01'. */
export function stdText(std: XmlElement): { ref: string; clause?: string } {
  const sr = descendants(std, 'std-ref')[0];
  if (sr) {
    // '<std><std-ref>ISO 9001:2015</std-ref>, 7.1</std>': a clause may follow the reference (titles do not count).
    let after = '';
    let seen = false;
    for (const n of std.children) {
      if (n === sr) seen = true;
      else if (seen) after += typeof n === 'string' ? n : n.key === 'title' || n.key === 'std-id-group' ? '\u0000' : textOf(n);
    }
    const clause = ws(after.split('\u0000')[0]).replace(/^[,;]\s*/, '').replace(/[,;.]\s*$/, '');
    const ok = /^(?:(?:Clause|Annex|Table|Figure|Formula)\s+)?[A-Z0-9][\w.\-\u2013]*$/.test(clause) && clause.length <= 40;
    return ok ? { ref: ws(textOf(sr)), clause } : { ref: ws(textOf(sr)) };
  }
  let text = '';
  const walk = (n: XmlNode) => {
    if (typeof n === 'string') text += n;
    else if (n.key !== 'std-id-group' && n.key !== 'title') n.children.forEach(walk);
  };
  std.children.forEach(walk);
  text = ws(text).replace(/[,;]\s*$/, '');
  const m = /^([^,]+?),\s*(.+)$/.exec(text);
  if (m && /\d/.test(m[1])) return { ref: m[1], clause: m[2] };
  return { ref: text };
}

function plainText(c: Inline[]): string {
  let out = '';
  for (const i of c) {
    if (typeof i === 'string') out += i;
    else if (i.t === 'br') out += ' ';
    else if (i.t === 'math') out += i.text;
    else if (i.t !== 'fn') out += plainText(i.c);
  }
  return out;
}

/** Merges adjacent strings, collapses XML whitespace (not NBSP), drops empty runs; trims the ends at top level. */
function tidy(raw: Inline[], trimEnds: boolean): Inline[] {
  const out: Inline[] = [];
  for (const i of raw) {
    if (typeof i === 'string') {
      const s = i.replace(/[ \t\r\n]+/g, ' ');
      if (!s) continue;
      const last = out.length - 1;
      if (last >= 0 && typeof out[last] === 'string') {
        const joined = (out[last] as string) + s;
        out[last] = joined.replace(/ {2,}/g, ' ');
      } else out.push(s);
    } else out.push(i);
  }
  if (trimEnds) {
    while (out.length && typeof out[0] === 'string' && !(out[0] as string).trim()) out.shift();
    while (out.length && typeof out[out.length - 1] === 'string' && !(out[out.length - 1] as string).trim()) out.pop();
    if (typeof out[0] === 'string') out[0] = (out[0] as string).trimStart();
    const l = out.length - 1;
    if (l >= 0 && typeof out[l] === 'string') out[l] = (out[l] as string).trimEnd();
  }
  return out;
}

/** 'NOTE 1 The combined…' → label 'NOTE 1' and the text without it (TBX notes carry their label in the text). */
function splitLeadingLabel<T extends { t: 'note' | 'example'; label?: string; c: Block[] }>(b: T, re: RegExp): T {
  const first = b.c[0];
  if (first?.t !== 'p' || typeof first.c[0] !== 'string') return b;
  const m = re.exec(first.c[0]);
  if (!m) return b;
  b.label = m[1].replace(/:$/, '');
  const rest = first.c[0].slice(m[0].length);
  first.c = rest ? [rest, ...first.c.slice(1)] : first.c.slice(1);
  return b;
}

/**
 * ISO definitions end with their source in brackets: '… required function [IEC 60050-191:1990, 04-01]'. Moves
 * it out of the definition into the term's source when the bracket holds a standard reference.
 */
function extractBracketSource(definition: Block[]): Inline[] | undefined {
  const last = definition[definition.length - 1];
  if (last?.t !== 'p') return undefined;
  const c = last.c;
  const j = c.length - 1;
  if (typeof c[j] !== 'string' || !(c[j] as string).trimEnd().endsWith(']')) return undefined;
  let i = j;
  let openAt = -1;
  for (; i >= 0; i--) {
    if (typeof c[i] !== 'string') continue;
    const s = c[i] as string;
    openAt = i === j ? s.lastIndexOf('[', s.trimEnd().length - 2) : s.lastIndexOf('[');
    if (openAt >= 0) break;
  }
  if (i < 0) return undefined;
  const closeStr = (c[j] as string).trimEnd();
  let inner: Inline[];
  if (i === j) inner = [closeStr.slice(openAt + 1, -1)];
  else inner = [(c[i] as string).slice(openAt + 1), ...c.slice(i + 1, j), closeStr.slice(0, -1)];
  inner = inner.filter((x) => x !== '');
  const hasStd = inner.some((x) => typeof x !== 'string' && x.t === 'std');
  if (!hasStd && !/\d/.test(plainText(inner))) return undefined;
  const before = (c[i] as string).slice(0, openAt).trimEnd();
  last.c = [...c.slice(0, i), ...(before ? [before] : [])];
  if (!last.c.length) definition.pop();
  return tidy(inner, true);
}
