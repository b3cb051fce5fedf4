/**
 * The content model → HTML, shared by the reader page, the clause page, the bilingual view and the single-file
 * HTML download. Everything goes through the escaping `html` template; the only raw() is sanitised MathML.
 * No JavaScript: term definitions show on hover through `title` on <abbr>, citations sit in <details>.
 */
import type { Block, Inline, Section, TableCell } from '../../content/model.js';
import { sanitiseMathml } from '../../reader/mathml.js';
import { citationText } from '../../reader/text.js';
import { html, raw, safeUrl, type SafeHtml } from '../html.js';

/** What rendering needs besides the tree: links, hover definitions and labels in the interface language. */
export interface RenderCtx {
  /** The standard's printed number ('RFC 9110'), for citations. */
  number: string;
  /** Term anchor → 'term: definition' (hover title). */
  terms: Map<string, string>;
  /** Standard reference as printed → site path of the catalogue record, or null when not in the catalogue. */
  stdLinks: Map<string, string | null>;
  /** Anchors present in the text (cross-references to anything else are shown as plain text). */
  anchors: Set<string>;
  /** Prefix put before '#anchor' in cross-reference links ('' on a page that holds the whole text). */
  xrefBase: string;
  /** Permalink of a clause (absolute when PUBLIC_URL is set); null hides permalinks and citations (downloads). */
  clauseHref: ((anchor: string) => string) | null;
  labels: { permalink: string; cite: string; note: string; example: string; source: string; synonyms: string; deprecated: string };
}

/** Inline content. */
export function renderInlines(rc: RenderCtx, c: Inline[]): SafeHtml {
  return html`${c.map((i) => renderInline(rc, i))}`;
}

function renderInline(rc: RenderCtx, i: Inline): SafeHtml | string {
  if (typeof i === 'string') return i;
  switch (i.t) {
    case 'em':
      return html`<em>${renderInlines(rc, i.c)}</em>`;
    case 'strong':
      return html`<strong>${renderInlines(rc, i.c)}</strong>`;
    case 'sub':
      return html`<sub>${renderInlines(rc, i.c)}</sub>`;
    case 'sup':
      return html`<sup>${renderInlines(rc, i.c)}</sup>`;
    case 'code':
      return html`<code>${renderInlines(rc, i.c)}</code>`;
    case 'smallcaps':
      return html`<span class="sc">${renderInlines(rc, i.c)}</span>`;
    case 'underline':
      return html`<u>${renderInlines(rc, i.c)}</u>`;
    case 'br':
      return html`<br>`;
    case 'xref':
      return rc.anchors.has(i.target)
        ? html`<a class="xref" href="${rc.xrefBase}#${i.target}">${renderInlines(rc, i.c)}</a>`
        : renderInlines(rc, i.c);
    case 'term': {
      const def = rc.terms.get(i.target);
      const inner = renderInlines(rc, i.c);
      if (!def) return html`<em>${inner}</em>`;
      return rc.anchors.has(i.target)
        ? html`<a class="termref" href="${rc.xrefBase}#${i.target}"><abbr title="${def}">${inner}</abbr></a>`
        : html`<abbr class="termref" title="${def}">${inner}</abbr>`;
    }
    case 'std': {
      const href = rc.stdLinks.get(i.ref);
      return href ? html`<a class="stdref" href="${href}">${renderInlines(rc, i.c)}</a>` : html`<span class="stdref">${renderInlines(rc, i.c)}</span>`;
    }
    case 'link': {
      const href = safeUrl(i.href) ?? (/^(mailto:|ftp:\/\/)/i.test(i.href) ? i.href : null);
      return href ? html`<a href="${href}" rel="nofollow noopener">${renderInlines(rc, i.c)}</a>` : renderInlines(rc, i.c);
    }
    case 'math': {
      const m = sanitiseMathml(i.mathml);
      return m ? html`<span class="math">${raw(m)}</span>` : html`<span class="math">${i.text}</span>`;
    }
    case 'fn':
      return html`<span class="fn"><sup>${i.label ?? '*'}</sup><small>${renderBlocks(rc, i.c)}</small></span>`;
    default:
      return '';
  }
}

function cell(rc: RenderCtx, c: TableCell, tag: 'th' | 'td'): SafeHtml {
  const span = html`${c.colspan && c.colspan > 1 ? html` colspan="${c.colspan}"` : ''}${c.rowspan && c.rowspan > 1 ? html` rowspan="${c.rowspan}"` : ''}${
    c.align ? html` class="al-${c.align}"` : ''
  }`;
  // A cell of one paragraph is shown without the <p> margin.
  const body = c.c.length === 1 && c.c[0].t === 'p' ? renderInlines(rc, c.c[0].c) : renderBlocks(rc, c.c);
  return tag === 'th' ? html`<th${span}>${body}</th>` : html`<td${span}>${body}</td>`;
}

const idAttr = (id: string | undefined) => (id ? html` id="${id}"` : '');

/** Blocks. */
export function renderBlocks(rc: RenderCtx, blocks: Block[]): SafeHtml {
  return html`${blocks.map((b) => renderBlock(rc, b))}`;
}

function renderBlock(rc: RenderCtx, b: Block): SafeHtml {
  switch (b.t) {
    case 'p':
      return html`<p${idAttr(b.id)}${b.lang ? html` lang="${b.lang}"` : ''}>${renderInlines(rc, b.c)}</p>`;
    case 'list': {
      const items = b.items.map((it) => html`<li>${it.label ? html`<span class="li-label">${it.label}</span> ` : ''}${renderBlocks(rc, it.c)}</li>`);
      const labelled = b.items.some((it) => it.label);
      return b.ordered && !labelled
        ? html`<ol${idAttr(b.id)}>${items}</ol>`
        : html`<ul${idAttr(b.id)}${labelled ? html` class="labelled"` : ''}>${items}</ul>`;
    }
    case 'note':
      return html`<aside class="note"${idAttr(b.id)}><span class="nlabel">${b.label ?? rc.labels.note}</span> ${renderBlocks(rc, b.c)}</aside>`;
    case 'example':
      return html`<aside class="example"${idAttr(b.id)}><span class="nlabel">${b.label ?? rc.labels.example}</span> ${renderBlocks(rc, b.c)}</aside>`;
    case 'pre':
      return html`<pre class="pre-${b.kind}"${idAttr(b.id)}>${b.text}</pre>`;
    case 'table':
      return html`<figure class="table"${idAttr(b.id)}>${
        b.label || b.caption ? html`<figcaption>${b.label ? html`<b>${b.label}</b> ` : ''}${b.caption ? renderInlines(rc, b.caption) : ''}</figcaption>` : ''
      }<div class="tscroll"><table>${b.head.length ? html`<thead>${b.head.map((r) => html`<tr>${r.map((c) => cell(rc, c, 'th'))}</tr>`)}</thead>` : ''}<tbody>${b.body.map(
        (r) => html`<tr>${r.map((c) => cell(rc, c, c.header ? 'th' : 'td'))}</tr>`,
      )}</tbody>${b.foot?.length ? html`<tfoot>${b.foot.map((r) => html`<tr>${r.map((c) => cell(rc, c, 'td'))}</tr>`)}</tfoot>` : ''}</table></div>${
        b.notes?.length ? renderBlocks(rc, b.notes) : ''
      }</figure>`;
    case 'figure': {
      // Image files are not stored with the text: show the caption and any inner content only.
      return html`<figure class="figure"${idAttr(b.id)}>${b.c ? renderBlocks(rc, b.c) : ''}${
        b.label || b.caption || b.alt ? html`<figcaption>${b.label ? html`<b>${b.label}</b> ` : ''}${b.caption ? renderInlines(rc, b.caption) : (b.alt ?? '')}</figcaption>` : ''
      }</figure>`;
    }
    case 'formula': {
      const m = b.mathml ? sanitiseMathml(b.mathml) : null;
      return html`<div class="formula"${idAttr(b.id)}>${m ? raw(m.replace(/^<math(?![^>]*display=)/, '<math display="block"')) : html`<code>${b.text}</code>`}${
        b.label ? html`<span class="flabel">${b.label}</span>` : ''
      }</div>`;
    }
    case 'term':
      return html`<div class="term"${idAttr(b.id)}${b.lang ? html` lang="${b.lang}"` : ''}>${b.num ? html`<span class="tnum">${b.num}</span>` : ''}
<dfn>${b.term}</dfn>${b.synonyms.length ? html`<span class="syn">${b.synonyms.join('; ')}</span>` : ''}${
        b.deprecated?.length ? html`<span class="dep">${rc.labels.deprecated}: ${b.deprecated.join('; ')}</span>` : ''
      }
<div class="def">${renderBlocks(rc, b.definition)}</div>${renderBlocks(rc, b.examples)}${renderBlocks(rc, b.notes)}${
        b.source?.length ? html`<p class="tsource">[${rc.labels.source}: ${renderInlines(rc, b.source)}]</p>` : ''
      }</div>`;
    case 'ref': {
      const href = b.stdRef ? rc.stdLinks.get(b.stdRef) : null;
      const body = renderInlines(rc, b.c);
      return html`<p class="ref"${idAttr(b.id)}>${b.label ? html`<span class="rlabel">${b.label}</span> ` : ''}${href ? html`<a href="${href}">${body}</a>` : body}</p>`;
    }
    case 'quote':
      return html`<blockquote>${renderBlocks(rc, b.c)}</blockquote>`;
    default:
      return html``;
  }
}

/** A section heading with its permalink and citation (hidden in downloads). */
export function sectionHeading(rc: RenderCtx, s: Section, depth: number): SafeHtml {
  const level = Math.min(6, depth + 2);
  const text = html`${s.num ? html`<span class="snum">${s.num}</span> ` : ''}${renderInlines(rc, s.title)}`;
  const h = raw(`h${level}`);
  if (!rc.clauseHref) return html`<${h}>${text}</${h}>`;
  const href = rc.clauseHref(s.id);
  const cite = citationText(rc.number, s);
  return html`<${h}>${text} <a class="plink" href="${href}" title="${rc.labels.permalink}" aria-label="${rc.labels.permalink}: ${cite}">¶</a></${h}>
<details class="cite"><summary>${rc.labels.cite}</summary><input readonly value="${cite} — ${href}" aria-label="${rc.labels.cite}: ${cite}"></details>`;
}

/** A section and its subsections, each with its anchor. */
export function renderSection(rc: RenderCtx, s: Section, depth: number): SafeHtml {
  return html`<section id="${s.id}" class="clause k-${s.kind}"${s.lang ? html` lang="${s.lang}"` : ''}>
${sectionHeading(rc, s, depth)}
${renderBlocks(rc, s.blocks)}
${s.children.map((c) => renderSection(rc, c, depth + 1))}
</section>`;
}
