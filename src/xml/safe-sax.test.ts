import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseXml, parseXmlStream, textOf, XmlError, type XmlElement } from './safe-sax.js';

/** Runs fn, expecting an XmlError; returns it. */
function xmlError(fn: () => unknown): XmlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return e as XmlError;
  }
  throw new Error('expected an XmlError');
}
async function xmlErrorAsync(p: Promise<unknown>): Promise<XmlError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return e as XmlError;
  }
  throw new Error('expected an XmlError');
}
const el = (n: unknown) => n as XmlElement;

describe('parseXml: the tree', () => {
  it('keeps mixed content in order and gives canonical keys whatever the prefix', () => {
    const doc = parseXml(
      '<p xmlns:m="http://www.w3.org/1998/Math/MathML" xmlns:x="http://www.w3.org/1999/xlink">a <b>bold</b> c <m:math><m:mi>x</m:mi></m:math> <e x:href="u"/>d</p>',
    );
    const p = doc.root;
    expect(p.children.map((c) => (typeof c === 'string' ? c : `<${c.key}>`))).toEqual(['a ', '<b>', ' c ', '<mml:math>', ' ', '<e>', 'd']);
    expect(el(p.children[3]).uri).toBe('http://www.w3.org/1998/Math/MathML');
    expect(el(p.children[5]).attrs).toEqual({ 'xlink:href': 'u' });
    expect(textOf(p)).toBe('a bold c x d');
  });

  it('resolves the named entities of the STS DTD from the built-in table, in text and attributes', () => {
    const doc = parseXml('<t a="&le;&nbsp;1">x &mdash; &alpha;&Eacute;&euro; &lt;&amp; &#x2014;&#8212;</t>');
    expect(doc.root.attrs.a).toBe('\u2264\u00a01');
    expect(textOf(doc.root)).toBe('x \u2014 \u03b1\u00c9\u20ac <& \u2014\u2014');
  });

  it('accepts well-known prefixes used without a declaration, with a warning', () => {
    const doc = parseXml('<term-sec><tbx:termEntry><tbx:term>x</tbx:term></tbx:termEntry><ext-link xlink:href="h"/></term-sec>');
    expect(el(doc.root.children[0]).key).toBe('tbx:termEntry');
    expect(el(doc.root.children[1]).attrs['xlink:href']).toBe('h');
    expect(doc.warnings.map((w) => w.id)).toEqual(['xml.undeclared_prefix', 'xml.undeclared_prefix']);
  });

  it('decodes the declared encoding and rejects bytes that are not valid in it', () => {
    const latin = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>'), Buffer.from([0xe9]), Buffer.from('</t>')]);
    expect(textOf(parseXml(latin).root)).toBe('é');
    const bad = Buffer.concat([Buffer.from('<t>'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('</t>'), Buffer.alloc(300, 0x20)]);
    expect(xmlError(() => parseXml(bad)).id).toBe('xml.encoding');
  });
});

describe('parseXml: DTDs and entities', () => {
  it('never reads the external DTD named by the DOCTYPE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'safe-sax-'));
    try {
      // A real DTD on disk that declares &secret;: if the parser read it, the reference would resolve.
      writeFileSync(join(dir, 'ISOSTS.dtd'), '<!ENTITY secret "LEAKED-FROM-DTD">');
      const url = pathToFileURL(join(dir, 'ISOSTS.dtd')).href;
      const ok = parseXml(`<!DOCTYPE standard SYSTEM "${url}">\n<standard>&mdash;</standard>`);
      expect(ok.doctype).toMatchObject({ name: 'standard', systemId: url });
      const e = xmlError(() => parseXml(`<!DOCTYPE standard SYSTEM "${url}">\n<standard>\n  &secret;</standard>`));
      expect(e.id).toBe('xml.undefined_entity');
      expect(e.message).toContain('&secret;');
      expect(e.message).not.toContain('LEAKED');
      expect([e.line, e.col]).toEqual([3, 11]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expands text entities of the internal subset', () => {
    const doc = parseXml('<!DOCTYPE t [\n <!ENTITY td "table &amp; cell">\n <!ENTITY two "&td;/&td;&#33;">\n]>\n<t a="&two;">&td;</t>');
    expect(doc.root.attrs.a).toBe('table & cell/table & cell!');
    expect(textOf(doc.root)).toBe('table & cell');
    expect(doc.doctype?.declared).toEqual(['td', 'two']);
  });

  it('refuses "billion laughs" at the DOCTYPE', () => {
    const decls = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) decls.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const e = xmlError(() => parseXml(`<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${decls.join('\n')}\n]>\n<lolz>&lol9;</lolz>`));
    expect(e.id).toBe('xml.entity_expansion');
    expect(e.line).toBeGreaterThan(2);
    expect(e.col).toBeGreaterThan(0);
  });

  it('refuses quadratic blow-up (a big entity referenced many times) on the expansion budget', () => {
    const big = 'x'.repeat(60_000);
    const e = xmlError(() => parseXml(`<!DOCTYPE t [<!ENTITY b "${big}">]><t>${'&b;'.repeat(200)}</t>`));
    expect(e.id).toBe('xml.entity_expansion');
  });

  it('refuses recursive entities and entities with markup', () => {
    expect(xmlError(() => parseXml('<!DOCTYPE t [<!ENTITY a "&b;"><!ENTITY b "&a;">]><t>&a;</t>')).id).toBe('xml.entity_expansion');
    expect(xmlError(() => parseXml('<!DOCTYPE t [<!ENTITY m "<b>x</b>">]><t>&m;</t>')).id).toBe('xml.unsupported_dtd');
    expect(xmlError(() => parseXml('<!DOCTYPE t [<!ENTITY m "&#60;b/>">]><t>&m;</t>')).id).toBe('xml.unsupported_dtd');
  });

  it('never loads an external entity (file:///etc/passwd): a reference is an error, not the file', () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE t [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<t>\n  <p>&xxe;</p>\n</t>';
    const e = xmlError(() => parseXml(xml));
    expect(e.id).toBe('xml.external_entity');
    expect(e.message).toContain('file:///etc/passwd');
    expect(e.message).not.toMatch(/root:/);
    expect(e.line).toBe(6);
    // External parameter entities are never loaded either; the document parses without them.
    const pe = parseXml('<!DOCTYPE t [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]><t>ok</t>');
    expect(textOf(pe.root)).toBe('ok');
    expect(pe.warnings.map((w) => w.id)).toEqual(['xml.external_dtd_ignored', 'xml.parameter_entity_ignored']);
  });

  it('reports an undefined entity with its name and line:col', () => {
    const e = xmlError(() => parseXml('<a>\n<b>x &nosuch; y</b></a>', { file: 'f.xml' }));
    expect(e.id).toBe('xml.undefined_entity');
    expect(e.message).toBe('f.xml:2:14: undefined entity &nosuch;');
  });
});

describe('parseXml: limits', () => {
  it('refuses 10,000-deep nesting at the depth limit', () => {
    const xml = `<?xml version="1.0"?>\n${'<d>'.repeat(10_000)}${'</d>'.repeat(10_000)}`;
    const e = xmlError(() => parseXml(xml));
    expect(e.id).toBe('xml.too_deep');
    expect(e.line).toBe(2);
    expect(e.col).toBe(257 * 3 + 1);
  });

  it('refuses too many attributes', () => {
    const attrs = Array.from({ length: 300 }, (_, i) => `a${i}="1"`).join(' ');
    expect(xmlError(() => parseXml(`<t ${attrs}/>`)).id).toBe('xml.too_many_attributes');
  });

  it('refuses input beyond maxBytes', () => {
    expect(xmlError(() => parseXml(`<t>${'x'.repeat(5000)}</t>`, { limits: { maxBytes: 4096 } })).id).toBe('xml.too_large');
  });

  it('stops a 200 MB text node early while streaming, reading only about the text limit', async () => {
    const MB = 1024 * 1024;
    const chunk = Buffer.alloc(MB, 'a');
    let yielded = 0;
    async function* huge(): AsyncGenerator<Buffer> {
      yield Buffer.from('<?xml version="1.0"?>\n<standard><body><p>');
      for (let i = 0; i < 200; i++) {
        yielded++;
        yield chunk; // the same 1 MB buffer each time: the test itself never holds 200 MB
      }
      yield Buffer.from('</p></body></standard>');
    }
    const e = await xmlErrorAsync(parseXmlStream(huge(), { limits: { maxBytes: 512 * MB } }));
    expect(e.id).toBe('xml.text_too_large');
    expect(e.line).toBe(2);
    expect(yielded).toBeLessThanOrEqual(11); // 10 MB text limit + the chunk that crossed it
  });

  it('reports a truncated document with line:col', () => {
    const e = xmlError(() => parseXml('<standard>\n  <body>\n    <p>cut here'));
    expect(e.id).toBe('xml.malformed');
    expect(e.message).toMatch(/^3:\d+: unclosed tag: p/);
    expect(e.line).toBe(3);
  });

  it('reports malformed markup with line:col', () => {
    const e = xmlError(() => parseXml('<a>\n  <b></c>\n</a>'));
    expect(e.id).toBe('xml.malformed');
    expect(e.line).toBe(2);
  });
});
