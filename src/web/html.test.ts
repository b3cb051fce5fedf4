import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw, safeUrl } from './html.js';

describe('html template', () => {
  it('escapes every interpolation by default', () => {
    const title = '<script>alert("x")</script> & \'q\'';
    expect(html`<p title="${title}">${title}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</p>',
    );
  });

  it('inserts nested templates and raw() fragments verbatim, arrays joined, empty values dropped', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(html`${raw('<hr>')}`.value).toBe('<hr>');
  });

  it('escapeHtml handles all five special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('safeUrl keeps http(s) and site paths only', () => {
    expect(safeUrl('https://doi.org/10.17487/RFC9110')).toBe('https://doi.org/10.17487/RFC9110');
    expect(safeUrl('/std/RFC-9110')).toBe('/std/RFC-9110');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeUrl('//evil.example/x')).toBeNull();
    expect(safeUrl('data:text/html,<b>')).toBeNull();
  });
});
