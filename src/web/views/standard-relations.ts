import type { ResolvedRelation, StandardSummary } from '../../catalogue/ports.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { pickTitle, statusBadge, stdHref, vocab } from './components.js';

/** Relation types grouped the way readers ask: what replaced it, what it replaced, amendments, adoptions, … */
const GROUPS: { key: MessageKey; types: string[] }[] = [
  { key: 'rel.successors', types: ['replacedBy'] },
  { key: 'rel.predecessors', types: ['replaces'] },
  { key: 'rel.amendments', types: ['amends', 'amendedBy', 'corrects', 'correctedBy'] },
  { key: 'rel.adoptions', types: ['adoptedFrom', 'adoptedAs'] },
  { key: 'rel.parts', types: ['partOf', 'hasPart'] },
  { key: 'rel.updates', types: ['updates', 'updatedBy'] },
  { key: 'rel.cites', types: ['cites', 'citedBy'] },
];
const GROUPED = new Set(GROUPS.flatMap((g) => g.types));

function relationItem(ctx: PageCtx, r: ResolvedRelation, showType: boolean): SafeHtml {
  const title = pickTitle(ctx, r.targetTitle);
  return html`<li>${showType ? html`<span class="meta">${vocab(ctx, 'relation_type', r.type)}:</span> ` : ''}${
    r.targetId
      ? html`<a href="${stdHref(r.targetId)}">${r.target}</a> ${statusBadge(ctx, r.targetStatus)}${title ? html` ${title}` : ''}`
      : html`${r.target} <span class="muted">(${ctx.t('std.notInCatalogue')})</span>`
  }${r.degree ? html` <span class="badge">${ctx.t('std.degree', { degree: r.degree })}</span>` : ''}${r.note ? html` <span class="muted">${r.note}</span>` : ''}</li>`;
}

/** Relations in groups; targets in the catalogue are links, unresolved ones plain text. */
export function relations(ctx: PageCtx, rels: ResolvedRelation[]): SafeHtml {
  if (!rels.length) return html`<p class="muted">${ctx.t('std.relationsNone')}</p>`;
  const groups = [...GROUPS, { key: 'rel.other' as MessageKey, types: [...new Set(rels.map((r) => r.type).filter((x) => !GROUPED.has(x)))] }];
  return html`${groups.map((g) => {
    const items = rels.filter((r) => g.types.includes(r.type));
    if (!items.length) return '';
    // The type is named per item only where a group mixes types (amends / amendedBy, …).
    const mixed = new Set(items.map((r) => r.type)).size > 1 || g.key === 'rel.other';
    return html`<h3>${ctx.t(g.key)}</h3><ul class="plain">${items.map((r) => relationItem(ctx, r, mixed))}</ul>`;
  })}`;
}

/** All editions of the family, newest first, this one marked. */
export function editions(ctx: PageCtx, list: StandardSummary[], currentId: string): SafeHtml {
  return html`<ul class="plain">${list.map(
    (e) => html`<li>${e.id === currentId ? html`<strong>${e.number}</strong> <span class="muted">(${ctx.t('std.thisEdition')})</span>` : html`<a href="${stdHref(e.id)}">${e.number}</a>`} ${statusBadge(ctx, e.status)} ${pickTitle(ctx, e.titles)}</li>`,
  )}</ul>`;
}
