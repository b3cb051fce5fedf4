/**
 * The record form of the editorial back office: form fields ⇄ DraftInput (the use cases' input), and the form
 * itself with per-field error messages. A refused submission re-renders from the submitted values, so nothing the
 * editor typed is lost.
 */
import { vocabulary, type VocabKind } from '../../catalogue/vocabularies.js';
import type { DraftInput, FieldError, FieldErrors } from '../../editorial/validate.js';
import { splitList } from '../../editorial/validate.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';

/** The raw values of the form, as submitted (strings only). */
export type FormValues = Record<string, string>;

/** Dates with their own input; any other date type goes in the 'other_dates' text area ('type YYYY-MM-DD'). */
export const DATE_FIELDS = ['issued', 'implemented', 'abolished'] as const;

/** Every field name the form posts (anything else in a body is ignored). */
export const FORM_FIELDS = [
  'identifier', 'body', 'docType', 'status', 'nature', 'edition', 'committee', 'title_zh', 'title_en', 'abstract_zh', 'abstract_en',
  ...DATE_FIELDS.map((d) => `date_${d}`), 'other_dates', 'ics', 'ccs', 'relations', 'keywords',
] as const;

/** Longest value of one field accepted from a form (the use cases bound each field more tightly). */
const MAX_FIELD = 20_000;

/** Picks the form's fields from a parsed body (strings only, bounded). */
export function formValuesOf(body: unknown): FormValues {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: FormValues = {};
  for (const f of FORM_FIELDS) {
    const v = b[f];
    if (typeof v === 'string') out[f] = v.slice(0, MAX_FIELD);
  }
  return out;
}

/** Form values → the use cases' input. */
export function inputFromForm(v: FormValues): DraftInput {
  const dates: Record<string, string> = {};
  for (const d of DATE_FIELDS) if (v[`date_${d}`]?.trim()) dates[d] = v[`date_${d}`];
  for (const line of (v.other_dates ?? '').split(/\r?\n/).slice(0, 50)) {
    const [type, value] = line.trim().split(/\s+/);
    if (type) dates[type] = value ?? '';
  }
  const relations: DraftInput['relations'] = [];
  for (const line of (v.relations ?? '').split(/\r?\n/).slice(0, 60)) {
    const parts = line.trim().split(/\s+/);
    if (!parts[0]) continue;
    const last = parts.at(-1)!;
    const degree = parts.length > 2 && /^(IDT|MOD|NEQ)$/.test(last) ? last : undefined;
    relations.push({ type: parts[0], target: parts.slice(1, degree ? -1 : undefined).join(' '), ...(degree ? { degree } : {}) });
  }
  return {
    identifier: v.identifier ?? '',
    body: v.body ?? '',
    docType: v.docType ?? '',
    status: v.status ?? '',
    nature: v.nature || undefined,
    edition: v.edition || undefined,
    committee: v.committee || undefined,
    titles: { zh: v.title_zh, en: v.title_en },
    abstracts: { zh: v.abstract_zh, en: v.abstract_en },
    dates,
    ics: splitList(v.ics),
    ccs: splitList(v.ccs),
    relations,
    keywords: (v.keywords ?? '').split(/[,，;；\n]+/).map((k) => k.trim()).filter(Boolean),
  };
}

/** The use cases' input → form values (pre-filling the form from a draft). */
export function formFromInput(i: DraftInput): FormValues {
  const other = Object.entries(i.dates).filter(([t]) => !(DATE_FIELDS as readonly string[]).includes(t));
  return {
    identifier: i.identifier,
    body: i.body,
    docType: i.docType,
    status: i.status,
    nature: i.nature ?? '',
    edition: i.edition ?? '',
    committee: i.committee ?? '',
    title_zh: i.titles.zh ?? '',
    title_en: i.titles.en ?? '',
    abstract_zh: i.abstracts?.zh ?? '',
    abstract_en: i.abstracts?.en ?? '',
    ...Object.fromEntries(DATE_FIELDS.map((d) => [`date_${d}`, i.dates[d] ?? ''])),
    other_dates: other.map(([t, v]) => `${t} ${v}`).join('\n'),
    ics: i.ics.join(' '),
    ccs: i.ccs.join(' '),
    relations: i.relations.map((r) => [r.type, r.target, r.degree].filter(Boolean).join(' ')).join('\n'),
    keywords: (i.keywords ?? []).join(', '),
  };
}

/** The form field a use-case error key belongs to ('titles.zh' → 'title_zh', 'dates.bogus' → 'other_dates'). */
export function formFieldOf(key: string): string {
  if (key === 'titles') return 'title_zh';
  const [head, sub] = key.split('.');
  if (head === 'titles' && sub) return `title_${sub}`;
  if (head === 'abstracts' && sub) return `abstract_${sub}`;
  if (head === 'dates' && sub) return (DATE_FIELDS as readonly string[]).includes(sub) ? `date_${sub}` : 'other_dates';
  if (head === 'reason' && sub) return `reason_${sub}`;
  return head;
}

/** Error messages per form field (several use-case keys may land on one field). */
export function errorsByField(ctx: PageCtx, errors: FieldErrors | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, e] of Object.entries(errors ?? {})) {
    const f = formFieldOf(key);
    out.set(f, [...(out.get(f) ?? []), errorText(ctx, key, e)]);
  }
  return out;
}

/** One field error as a sentence in the interface language. */
export function errorText(ctx: PageCtx, key: string, e: FieldError): string {
  const k = `editorial.err.${e.code}` as MessageKey;
  const msg = ctx.t(k, e.params ?? {});
  return msg === k ? ctx.t('editorial.err.invalid', { field: key }) : msg;
}

/** The error summary box (links to each field) shown above a refused form. */
export function errorSummary(ctx: PageCtx, byField: Map<string, string[]>, extra?: string): SafeHtml {
  if (!byField.size && !extra) return html``;
  return html`<div class="form-errors" role="alert"><p>${extra ?? ctx.t('editorial.form.fix')}</p>${byField.size
    ? html`<ul>${[...byField].map(([f, msgs]) => html`<li><a href="#f-${f}">${fieldLabel(ctx, f)}</a>: ${msgs.join(' ')}</li>`)}</ul>`
    : ''}</div>`;
}

export function fieldLabel(ctx: PageCtx, f: string): string {
  const k = `editorial.field.${f}` as MessageKey;
  const t = ctx.t(k);
  return t === k ? f : t;
}

interface FieldOpts {
  type?: 'text' | 'date' | 'textarea' | 'select';
  required?: boolean;
  hint?: boolean;
  options?: { value: string; label: string }[];
  maxlength?: number;
  rows?: number;
}

/** One labelled field with its error messages (aria-invalid / aria-describedby for screen readers). */
export function field(ctx: PageCtx, v: FormValues, errs: Map<string, string[]>, name: string, o: FieldOpts = {}): SafeHtml {
  const id = `f-${name}`;
  const messages = errs.get(name) ?? [];
  const hint = o.hint ? html`<small id="h-${name}" class="muted">${ctx.t(`editorial.hint.${name}` as MessageKey)}</small>` : '';
  const described = [o.hint ? `h-${name}` : '', messages.length ? `e-${name}` : ''].filter(Boolean).join(' ');
  const aria = html`${messages.length ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
  const value = v[name] ?? '';
  let control: SafeHtml;
  if (o.type === 'textarea') control = html`<textarea id="${id}" name="${name}" rows="${o.rows ?? 3}" maxlength="${o.maxlength ?? 5000}"${aria}>${value}</textarea>`;
  else if (o.type === 'select')
    control = html`<select id="${id}" name="${name}"${o.required ? html` required` : ''}${aria}>${(o.options ?? []).map(
      (op) => html`<option value="${op.value}"${op.value === value ? html` selected` : ''}>${op.label}</option>`,
    )}</select>`;
  else
    control = html`<input id="${id}" name="${name}" type="${o.type === 'date' ? 'text' : 'text'}" value="${value}"${o.type === 'date' ? html` placeholder="YYYY-MM-DD" pattern="\\d{4}-\\d{2}-\\d{2}" inputmode="numeric"` : ''} maxlength="${o.maxlength ?? 500}"${o.required ? html` required` : ''}${aria}>`;
  return html`<label for="${id}"><span>${fieldLabel(ctx, name)}${o.required ? html` <span aria-hidden="true">*</span>` : ''}</span>
${hint}${control}${messages.length ? html`<span class="field-error" id="e-${name}">${messages.join(' ')}</span>` : ''}</label>`;
}

/** Options of a vocabulary select (in-use codes, labelled in the interface language). */
export function vocabOptions(ctx: PageCtx, kind: VocabKind, opts: { only?: 'all' | string[]; empty?: boolean } = {}): { value: string; label: string }[] {
  const lang = ctx.lang.startsWith('zh') ? 'zh' : 'en';
  const list = vocabulary(kind)
    .filter((e) => e.used && (opts.only === undefined || opts.only === 'all' || opts.only.includes(e.code)))
    .map((e) => ({ value: e.code, label: kind === 'body' ? `${e.code} — ${e[lang]}` : e[lang] }));
  return opts.empty ? [{ value: '', label: '—' }, ...list] : list;
}

/** The whole record form (fields only; the caller wraps it in a <form> with CSRF and version fields). */
export function recordFields(ctx: PageCtx, v: FormValues, errs: Map<string, string[]>, publishers: 'all' | string[]): SafeHtml {
  const f = (name: string, o?: FieldOpts) => field(ctx, v, errs, name, o);
  return html`<fieldset><legend>${ctx.t('editorial.form.identity')}</legend>
${f('identifier', { required: true, hint: true, maxlength: 200 })}
${f('body', { type: 'select', required: true, options: vocabOptions(ctx, 'body', { only: publishers }) })}
${f('docType', { type: 'select', required: true, options: vocabOptions(ctx, 'doc_type') })}
${f('status', { type: 'select', required: true, options: vocabOptions(ctx, 'status') })}
${f('nature', { type: 'select', options: vocabOptions(ctx, 'nature', { empty: true }) })}
${f('edition', { maxlength: 50 })}
${f('committee', { maxlength: 100 })}
</fieldset>
<fieldset><legend>${ctx.t('editorial.form.titles')}</legend>
${f('title_zh', { maxlength: 500 })}
${f('title_en', { maxlength: 500 })}
${f('abstract_zh', { type: 'textarea', maxlength: 5000 })}
${f('abstract_en', { type: 'textarea', maxlength: 5000 })}
</fieldset>
<fieldset><legend>${ctx.t('editorial.form.dates')}</legend>
${DATE_FIELDS.map((d) => f(`date_${d}`, { type: 'date', maxlength: 10 }))}
${f('other_dates', { type: 'textarea', hint: true, maxlength: 2000 })}
</fieldset>
<fieldset><legend>${ctx.t('editorial.form.classification')}</legend>
${f('ics', { hint: true, maxlength: 1000 })}
${f('ccs', { hint: true, maxlength: 1000 })}
${f('relations', { type: 'textarea', hint: true, rows: 4, maxlength: 10000 })}
${f('keywords', { maxlength: 3000 })}
</fieldset>`;
}
