/**
 * PDF download generated from the text's structure with pdfkit: a real text layer (selectable, searchable), an
 * embedded CJK font (config.PDF_CJK_FONT, Debian fonts-wqy-microhei by default) so Chinese renders, one bookmark
 * per clause (nested like the clause tree) and a footer on every page with the page number, the standard number
 * and edition, and the download date.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { blocksText, inlineText, type Block, type ContentDocument, type Section } from '../content/model.js';
import { AppError } from '../kernel/errors.js';

export interface PdfOptions {
  /** Printed standard number ('T/STDHUB 1-2025'). */
  number: string;
  edition?: string;
  /** From the Clock, so tests are deterministic. */
  downloadedAt: Date;
  /** TTF/OTF/TTC with CJK glyphs (config.PDF_CJK_FONT). */
  fontPath: string;
  /** Footer words in the interface language: page number, edition, download date. */
  labels: { page: (n: number, of: number) => string; edition: (e: string) => string; downloaded: (d: string) => string };
}

const MARGIN = 56;
const FOOTER_GAP = 24;

/** Font faces inside a .ttc: pdfkit needs the PostScript name of the face. */
function registerFonts(doc: PDFKit.PDFDocument, path: string): void {
  if (/\.ttc$/i.test(path)) {
    doc.registerFont('body', path, 'WenQuanYiMicroHei');
    try {
      doc.registerFont('mono', path, 'WenQuanYiMicroHeiMono');
    } catch {
      doc.registerFont('mono', path, 'WenQuanYiMicroHei');
    }
  } else {
    doc.registerFont('body', path);
    doc.registerFont('mono', path);
  }
}

/**
 * Starts generating the PDF and returns the pdfkit document, a Readable stream the caller pipes to the client.
 * Throws pdf_font_missing (before anything is written) when the CJK font file is absent.
 */
export function pdfStream(text: ContentDocument, opts: PdfOptions): PDFKit.PDFDocument {
  if (!existsSync(opts.fontPath))
    throw new AppError('pdf_font_missing', `PDF_CJK_FONT "${opts.fontPath}" does not exist; install fonts-wqy-microhei or set PDF_CJK_FONT`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER_GAP, left: MARGIN, right: MARGIN },
    bufferPages: true,
    autoFirstPage: true,
    lang: text.lang === 'zh' ? 'zh-CN' : text.lang,
    displayTitle: true,
    info: { Title: `${opts.number} ${text.title}`, Subject: opts.number, Creator: 'stdhub', CreationDate: opts.downloadedAt },
  });
  try {
    registerFonts(doc, opts.fontPath);
  } catch (e) {
    throw new AppError('pdf_font_missing', `PDF_CJK_FONT "${opts.fontPath}" cannot be used: ${(e as Error).message}`);
  }
  const width = doc.page.width - MARGIN * 2;
  doc.font('body');

  doc.fontSize(11).fillColor('#444').text(opts.number, { width });
  doc.moveDown(0.3).fontSize(18).fillColor('#000').text(text.title, { width });
  doc.moveDown(1);

  const para = (s: string, o: { size?: number; indent?: number; font?: 'body' | 'mono'; color?: string } = {}) => {
    if (!s.trim()) return;
    doc
      .font(o.font ?? 'body')
      .fontSize(o.size ?? 10.5)
      .fillColor(o.color ?? '#000')
      .text(s, MARGIN + (o.indent ?? 0), undefined, { width: width - (o.indent ?? 0), lineGap: 2, paragraphGap: 4 });
  };

  const blocks = (bs: Block[], indent = 0) => {
    for (const b of bs) {
      switch (b.t) {
        case 'p':
          para(inlineText(b.c), { indent });
          break;
        case 'pre':
          para(b.text, { font: 'mono', size: 8.5, indent });
          break;
        case 'note':
        case 'example':
          para(`${b.label ?? (b.t === 'note' ? 'NOTE' : 'EXAMPLE')}  ${blocksText(b.c)}`, { size: 9.5, indent: indent + 12, color: '#333' });
          break;
        case 'list':
          for (const [i, it] of b.items.entries()) para(`${it.label ?? (b.ordered ? `${i + 1}.` : '•')} ${blocksText(it.c)}`, { indent: indent + 12 });
          break;
        case 'table': {
          const caption = [b.label, b.caption ? inlineText(b.caption) : ''].filter(Boolean).join(' ');
          if (caption) para(caption, { size: 10, indent });
          for (const row of [...b.head, ...b.body, ...(b.foot ?? [])])
            para(row.map((c) => blocksText(c.c).replace(/\s+/g, ' ')).join('  |  '), { size: 9.5, indent: indent + 6 });
          if (b.notes) blocks(b.notes, indent + 6);
          break;
        }
        case 'figure': {
          const caption = [b.label, b.caption ? inlineText(b.caption) : b.alt].filter(Boolean).join(' ');
          if (b.c) blocks(b.c, indent);
          if (caption) para(caption, { size: 10, indent });
          break;
        }
        case 'formula':
          para(`${b.text}${b.label ? `    ${b.label}` : ''}`, { indent: indent + 24 });
          break;
        case 'term':
          para(`${b.num ?? ''} ${b.term}${b.synonyms.length ? `; ${b.synonyms.join('; ')}` : ''}`.trim(), { size: 11, indent });
          blocks(b.definition, indent);
          blocks(b.examples, indent);
          blocks(b.notes, indent);
          if (b.source?.length) para(`[${inlineText(b.source)}]`, { size: 9.5, indent });
          break;
        case 'ref':
          para(`${b.label ? `${b.label} ` : ''}${inlineText(b.c)}`, { indent });
          break;
        case 'quote':
          blocks(b.c, indent + 18);
          break;
      }
    }
  };

  const section = (s: Section, depth: number, parent: PDFKit.PDFOutline) => {
    const title = `${s.num ? `${s.num} ` : ''}${inlineText(s.title)}`.trim() || s.id;
    // A heading near the bottom of a page starts on the next one, so its bookmark points at the heading.
    if (doc.y > doc.page.height - doc.page.margins.bottom - 60) doc.addPage();
    doc.moveDown(depth === 0 ? 0.8 : 0.4);
    const item = parent.addItem(title);
    para(title, { size: depth === 0 ? 14 : depth === 1 ? 12.5 : 11.5 });
    blocks(s.blocks);
    for (const c of s.children) section(c, depth + 1, item);
  };
  for (const s of [...text.front, ...text.body, ...text.back]) section(s, 0, doc.outline);

  // Footers, once every page exists (so "page n of N" is known). Writing inside the bottom margin would add a
  // page, so the margin is lifted while the footer is written.
  const range = doc.bufferedPageRange();
  const date = opts.downloadedAt.toISOString().slice(0, 10);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footer = [opts.number, opts.edition ? opts.labels.edition(opts.edition) : '', opts.labels.downloaded(date), opts.labels.page(i + 1, range.count)]
      .filter(Boolean)
      .join('   ·   ');
    doc.font('body').fontSize(8).fillColor('#555').text(footer, MARGIN, doc.page.height - MARGIN, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.flushPages();
  doc.end();
  return doc;
}
