import { html, type SafeHtml } from '../html.js';

/**
 * Server-side charts as inline SVG (the site runs no JavaScript and its CSP allows none). Colours come from CSS
 * classes (site-css.ts: .chart .s0/.s1/.s2), every bar carries a <title> (the browser's tooltip) and the numbers are
 * also in a table next to the chart, so the chart is never the only way to read them.
 */

export interface Series {
  /** Legend label. */
  label: string;
  values: number[];
}

/** Largest value rounded up to 1, 2 or 5 × 10^n, so the axis has round ticks. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * Grouped vertical bars: one group per category (month), one bar per series. `format` renders numbers for the
 * interface language (titles and axis).
 */
export function groupedBarChart(opts: {
  title: string;
  categories: string[];
  series: Series[];
  format?: (n: number) => string;
}): SafeHtml {
  const format = opts.format ?? fmt;
  const W = 720;
  const H = 260;
  const left = 56;
  const bottom = 36;
  const top = 12;
  const plotW = W - left - 8;
  const plotH = H - top - bottom;
  const max = niceMax(Math.max(0, ...opts.series.flatMap((s) => s.values)));
  const n = Math.max(1, opts.categories.length);
  const groupW = plotW / n;
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, opts.series.length));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const labelEvery = Math.ceil(n / 12);
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${opts.title}" xmlns="http://www.w3.org/2000/svg">
<title>${opts.title}</title>
${ticks.map(
    (t) => html`<line class="grid" x1="${left}" x2="${W - 8}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/><text class="axis" x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${format(t)}</text>`,
  )}
${opts.categories.map((c, i) => {
    const gx = left + i * groupW + groupW * 0.1;
    return html`<g>${opts.series.map((s, j) => {
      const v = s.values[i] ?? 0;
      const h = (v / max) * plotH;
      return html`<rect class="s${j}" x="${(gx + j * barW).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${c} · ${s.label}: ${format(v)}</title></rect>`;
    })}${i % labelEvery === 0 ? html`<text class="axis" x="${(left + i * groupW + groupW / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${c}</text>` : ''}</g>`;
  })}
${opts.series.map(
    (s, j) => html`<rect class="s${j}" x="${left + j * 150}" y="${H - 14}" width="10" height="10"/><text class="axis" x="${left + j * 150 + 14}" y="${H - 5}">${s.label}</text>`,
  )}
</svg>`;
}

/** Horizontal bars, one per labelled value (breakdowns by nature or category). */
export function horizontalBarChart(opts: { title: string; items: { label: string; value: number }[]; format?: (n: number) => string }): SafeHtml {
  const format = opts.format ?? fmt;
  const rowH = 22;
  const labelW = 220;
  const W = 720;
  const valueW = 80;
  const H = Math.max(1, opts.items.length) * rowH + 4;
  const max = Math.max(1, ...opts.items.map((i) => i.value));
  const plotW = W - labelW - valueW;
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${opts.title}" xmlns="http://www.w3.org/2000/svg">
<title>${opts.title}</title>
${opts.items.map((it, i) => {
    const w = (it.value / max) * plotW;
    const yy = i * rowH + 2;
    const label = it.label.length > 30 ? `${it.label.slice(0, 29)}…` : it.label;
    return html`<text class="axis" x="${labelW - 6}" y="${yy + 15}" text-anchor="end">${label}</text><rect class="s0" x="${labelW}" y="${yy + 3}" width="${w.toFixed(1)}" height="${rowH - 6}"><title>${it.label}: ${format(it.value)}</title></rect><text class="axis" x="${(labelW + w + 6).toFixed(1)}" y="${yy + 15}">${format(it.value)}</text>`;
  })}
</svg>`;
}
