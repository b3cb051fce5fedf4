/**
 * Tables of STS documents → TableCell rows. Two models occur (NISO STS 1.2 allows both inside <table-wrap>):
 * - XHTML 1.1 tables: <table> with thead/tbody/tfoot/tr, th/td cells carrying colspan/rowspan/align.
 * - OASIS CALS exchange tables: <oasis:table>/<oasis:tgroup> with colspec (colname/colnum), row/entry, spans
 *   given by namest…nameend (or a spanspec's spanname) and morerows (extra rows, so rowspan = morerows + 1).
 * Both end up in the same model: header rows, body rows, footer rows of cells with colspan/rowspan.
 */
import type { Block, TableCell } from '../content/model.js';
import type { XmlElement } from '../xml/safe-sax.js';

export interface TableRows {
  head: TableCell[][];
  body: TableCell[][];
  foot: TableCell[][];
}

/** Converts a cell's children to blocks (supplied by the content converter, which owns inline/blocks rules). */
export type CellContent = (cell: XmlElement) => Block[];

const ALIGNS = new Set(['left', 'center', 'right', 'justify']);
const MAX_SPAN = 1000;

function align(v: string | undefined): TableCell['align'] {
  const a = v?.trim().toLowerCase();
  return a && ALIGNS.has(a) ? (a as TableCell['align']) : undefined;
}

function span(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 1 ? Math.min(n, MAX_SPAN) : undefined;
}

function elementsOf(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

function withoutPrefix(key: string): string {
  return key.startsWith('oasis:') ? key.slice(6) : key;
}

/** True for a CALS table: an oasis:table, or a table whose children include a tgroup. */
export function isCalsTable(el: XmlElement): boolean {
  return el.key === 'oasis:table' || elementsOf(el).some((c) => withoutPrefix(c.key) === 'tgroup');
}

/** Converts an XHTML <table>. */
export function xhtmlTable(table: XmlElement, content: CellContent): TableRows {
  const out: TableRows = { head: [], body: [], foot: [] };
  const rowsOf = (group: XmlElement, into: TableCell[][], header: boolean) => {
    for (const tr of elementsOf(group)) if (tr.key === 'tr') into.push(xhtmlRow(tr, header, content));
  };
  for (const c of elementsOf(table)) {
    if (c.key === 'thead') rowsOf(c, out.head, true);
    else if (c.key === 'tbody') rowsOf(c, out.body, false);
    else if (c.key === 'tfoot') rowsOf(c, out.foot, false);
    else if (c.key === 'tr') out.body.push(xhtmlRow(c, false, content));
  }
  return out;
}

function xhtmlRow(tr: XmlElement, header: boolean, content: CellContent): TableCell[] {
  const row: TableCell[] = [];
  for (const cell of elementsOf(tr)) {
    if (cell.key !== 'th' && cell.key !== 'td') continue;
    const out: TableCell = { c: content(cell) };
    if (header || cell.key === 'th') out.header = true;
    const cs = span(cell.attrs.colspan);
    const rs = span(cell.attrs.rowspan);
    const al = align(cell.attrs.align);
    if (cs) out.colspan = cs;
    if (rs) out.rowspan = rs;
    if (al) out.align = al;
    row.push(out);
  }
  return row;
}

/** Converts a CALS table (all its tgroups, in order; one tgroup is the norm). */
export function calsTable(table: XmlElement, content: CellContent): TableRows {
  const out: TableRows = { head: [], body: [], foot: [] };
  for (const tg of elementsOf(table)) {
    if (withoutPrefix(tg.key) !== 'tgroup') continue;
    const cols = new Map<string, number>();
    const spans = new Map<string, { st: string; end: string }>();
    let next = 1;
    for (const c of elementsOf(tg)) {
      const k = withoutPrefix(c.key);
      if (k === 'colspec') {
        const num = Number.parseInt(c.attrs.colnum ?? '', 10);
        const idx = Number.isFinite(num) && num > 0 ? num : next;
        next = idx + 1;
        if (c.attrs.colname) cols.set(c.attrs.colname, idx);
      } else if (k === 'spanspec' && c.attrs.spanname && c.attrs.namest && c.attrs.nameend) {
        spans.set(c.attrs.spanname, { st: c.attrs.namest, end: c.attrs.nameend });
      }
    }
    const group = (g: XmlElement, into: TableCell[][], header: boolean) => {
      for (const row of elementsOf(g)) if (withoutPrefix(row.key) === 'row') into.push(calsRow(row, header, cols, spans, content));
    };
    for (const c of elementsOf(tg)) {
      const k = withoutPrefix(c.key);
      if (k === 'thead') group(c, out.head, true);
      else if (k === 'tbody') group(c, out.body, false);
      else if (k === 'tfoot') group(c, out.foot, false);
    }
  }
  return out;
}

function calsRow(
  row: XmlElement,
  header: boolean,
  cols: Map<string, number>,
  spans: Map<string, { st: string; end: string }>,
  content: CellContent,
): TableCell[] {
  const cells: TableCell[] = [];
  for (const e of elementsOf(row)) {
    if (withoutPrefix(e.key) !== 'entry') continue;
    const out: TableCell = { c: content(e) };
    if (header) out.header = true;
    let st = e.attrs.namest;
    let end = e.attrs.nameend;
    const sp = e.attrs.spanname ? spans.get(e.attrs.spanname) : undefined;
    if (sp) ({ st, end } = sp);
    if (st && end && cols.has(st) && cols.has(end)) {
      const cs = span(String(cols.get(end)! - cols.get(st)! + 1));
      if (cs) out.colspan = cs;
    }
    const more = Number.parseInt(e.attrs.morerows ?? '', 10);
    if (Number.isFinite(more) && more > 0) out.rowspan = Math.min(more + 1, MAX_SPAN);
    const al = align(e.attrs.align);
    if (al) out.align = al;
    cells.push(out);
  }
  return cells;
}
