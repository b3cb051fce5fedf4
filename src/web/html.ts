/**
 * The one way views build HTML: the `html` tagged template escapes every interpolation unless it is a SafeHtml
 * (the result of another `html` template or of `raw()`). So escaping is the default and forgetting it is not
 * possible by omission; only `raw()` opts out, and it is reserved for trusted fragments built by this code.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Marks a trusted, already-rendered fragment (never user or record data) as safe to insert verbatim. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** Anything a template may interpolate: text is escaped, SafeHtml is inserted, arrays are concatenated. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template that escapes every interpolated value (see the module comment). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Only http(s) and site-relative URLs may become links; anything else (javascript:, data:) is dropped. */
export function safeUrl(url: string): string | null {
  if (/^https?:\/\//i.test(url)) return url;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  return null;
}
