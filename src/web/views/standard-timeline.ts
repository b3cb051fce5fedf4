import { dateSortKey } from '../../catalogue/normalise.js';
import type { StandardRecord } from '../../catalogue/model.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { dateEl, vocab } from './components.js';

/** One stored event of the record (services.catalogue.history). */
export interface HistoryEvent {
  at: string;
  /** The actor as this viewer may see it: a person's name only for those allowed (src/audit), else a role label. */
  actor: string;
  verb: string;
  before: unknown;
  after: unknown;
}

/** Record fields named in "changed: …", in the interface language where a label exists. */
const FIELD_LABELS: Record<string, MessageKey> = {
  status: 'std.status',
  statusSource: 'std.status',
  titles: 'std.titles',
  dates: 'std.lifecycle',
  relations: 'std.relations',
  identifiers: 'std.identifiers',
  edition: 'std.edition',
  stage: 'std.stage',
  committee: 'std.committee',
  contributors: 'std.contributors',
  abstracts: 'std.abstract',
  keywords: 'std.keywords',
  links: 'std.links',
  docType: 'std.docType',
  nature: 'std.nature',
  body: 'std.body',
  year: 'std.year',
};

function changedFields(ctx: PageCtx, before: unknown, after: unknown): string[] {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return [];
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  return [...new Set(keys.map((k) => (k === 'classifications' ? 'ICS/CCS' : FIELD_LABELS[k] ? ctx.t(FIELD_LABELS[k]) : k)))];
}

/**
 * The lifecycle: only the record's own typed dates, oldest first (data honesty — nothing is inferred). Dates
 * after today are marked upcoming, e.g. an implementation date of a standard that is to be implemented.
 */
export function lifecycle(ctx: PageCtx, r: StandardRecord): SafeHtml {
  const today = ctx.now.toISOString().slice(0, 10);
  const dates = [...r.dates].sort((x, y) => (dateSortKey(x.value) ?? '').localeCompare(dateSortKey(y.value) ?? ''));
  if (!dates.length) return html`<p class="muted">${ctx.t('std.lifecycleNone')}</p>`;
  return html`<ol class="timeline">${dates.map((d) => {
    const future = (dateSortKey(d.value) ?? '') > today;
    return html`<li${future ? html` class="future"` : ''}>${dateEl(d.value)}${vocab(ctx, 'date_type', d.type)}${future ? html` <span class="badge">${ctx.t('std.upcoming')}</span>` : ''}</li>`;
  })}</ol>`;
}

/** When the record entered the catalogue and each later change, from the event log. */
export function history(ctx: PageCtx, events: HistoryEvent[]): SafeHtml {
  if (!events.length) return html`<p class="muted">${ctx.t('std.historyNone')}</p>`;
  return html`<ol class="timeline">${events.map((e) => {
    const key = `event.${e.verb}`;
    const what = key === 'event.standard.created' || key === 'event.standard.updated' || key === 'event.standard.deleted' ? ctx.t(key) : e.verb;
    const fields = e.verb === 'standard.updated' ? changedFields(ctx, e.before, e.after) : [];
    const when = e.at.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
    return html`<li><time datetime="${e.at}">${when}</time>${what} <span class="meta">${ctx.t('event.by', { actor: e.actor })}${fields.length ? html` · ${ctx.t('event.changed', { fields: fields.join(', ') })}` : ''}</span></li>`;
  })}</ol>`;
}
