import type { FieldChange } from '../../audit/diff.js';
import type { AuditRow } from '../../audit/service.js';
import { html, type SafeHtml } from '../html.js';
import type { PageCtx } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import type { VocabKind } from '../../catalogue/vocabularies.js';
import { vocab } from './components.js';

/** A message when the catalogue has it, else the fallback (verbs and fields are open-ended data). */
function optional(ctx: PageCtx, key: string, fallback: string): string {
  const s = ctx.t(key as MessageKey);
  return s === key ? fallback : s;
}

/** 'standard.published' → "Published" where a label exists, else the verb itself. */
export function verbLabel(ctx: PageCtx, verb: string): string {
  return optional(ctx, `audit.verb.${verb}`, optional(ctx, `event.${verb}`, verb));
}

/** 'disclosure.mode' → "Disclosure"; unknown fields keep their dotted name. */
export function fieldLabel(ctx: PageCtx, path: string): string {
  if (!path) return '—';
  const last = path.split('.').pop()!;
  const first = path.split('.')[0];
  return optional(ctx, `audit.field.${first}`, optional(ctx, `audit.field.${last}`, path));
}

/** Role of an actor in the interface language. */
export function roleLabel(ctx: PageCtx, role: string): string {
  return optional(ctx, `audit.role.${role}`, role);
}

/** "by Li Lei" for those allowed to see names, "by a person in the role editor" for everyone else. */
export function who(ctx: PageCtx, r: AuditRow): string {
  return r.who.name !== null ? ctx.t('audit.who.named', { name: r.who.name }) : ctx.t('audit.who.role', { role: roleLabel(ctx, r.who.role) });
}

/** UTC time as 'YYYY-MM-DD HH:MM'. */
export function utc(at: string): string {
  return at.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '').replace(/Z$/, '');
}

const SHOW_ITEMS = 10;

function items(ctx: PageCtx, list: string[]): string {
  const shown = list.slice(0, SHOW_ITEMS).join('; ');
  return list.length > SHOW_ITEMS ? `${shown} ${ctx.t('audit.change.more', { count: list.length - SHOW_ITEMS })}` : shown;
}

/** Record fields whose values are vocabulary codes, shown by their label ('withdrawn' → 'Withdrawn' / '废止'). */
const VOCAB_FIELDS: Record<string, VocabKind> = { status: 'status', docType: 'doc_type', nature: 'nature' };

/** One field change as a sentence: "Status: Current → Withdrawn", "Dates: added implemented 2026-05-01". */
export function changeLines(ctx: PageCtx, raw: FieldChange): string[] {
  const kind = VOCAB_FIELDS[raw.field];
  const v = (x: string | undefined) => (x !== undefined && kind ? vocab(ctx, kind, x) : x);
  const c: FieldChange = kind ? { ...raw, before: v(raw.before), after: v(raw.after) } : raw;
  const field = fieldLabel(ctx, c.field);
  if (c.kind === 'changed') return [ctx.t('audit.change.changed', { field, before: c.before ?? '—', after: c.after ?? '—' })];
  if (c.kind === 'set') return [ctx.t('audit.change.set', { field, after: c.after ?? '—' })];
  if (c.kind === 'cleared') return [ctx.t('audit.change.cleared', { field, before: c.before ?? '—' })];
  const out: string[] = [];
  if (c.added?.length) out.push(ctx.t('audit.change.added', { field, items: items(ctx, c.added) }));
  if (c.removed?.length) out.push(ctx.t('audit.change.removed', { field, items: items(ctx, c.removed) }));
  return out;
}

/** The changes of an event as a list; creations (no before) fold into a closed <details>. */
export function changeList(ctx: PageCtx, r: AuditRow): SafeHtml {
  if (!r.changes.length) return html``;
  const lines = r.changes.flatMap((c) => changeLines(ctx, c));
  const list = html`<ul class="changes">${lines.map((l) => html`<li>${l}</li>`)}</ul>`;
  if (r.before === null || r.before === undefined)
    return html`<details class="changes"><summary>${ctx.t('audit.history.initial', { count: r.changes.length })}</summary>${list}</details>`;
  if (lines.length > 6)
    return html`<details class="changes" open><summary>${ctx.t('audit.history.details', { count: lines.length })}</summary>${list}</details>`;
  return list;
}
