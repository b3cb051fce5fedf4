/**
 * MathML sanitiser: the stored MathML string came from our own parser (sts-math.ts), but the reader still lets
 * through only MathML presentation elements and a short list of harmless attributes, re-escapes all text and
 * attribute values, and drops everything else (a <script> or an on* attribute never reaches the page).
 */
import { escapeHtml } from '../web/html.js';

const ELEMENTS = new Set([
  'math', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msub', 'msup', 'msubsup', 'mfrac', 'msqrt', 'mroot',
  'mstyle', 'merror', 'mpadded', 'mphantom', 'mfenced', 'menclose', 'munder', 'mover', 'munderover',
  'mmultiscripts', 'mprescripts', 'none', 'mtable', 'mtr', 'mtd', 'mlabeledtr', 'semantics', 'annotation',
]);
const ATTRS = new Set([
  'xmlns', 'display', 'mathvariant', 'mathsize', 'stretchy', 'fence', 'separator', 'form', 'lspace', 'rspace',
  'accent', 'accentunder', 'columnalign', 'rowalign', 'columnspan', 'rowspan', 'open', 'close', 'separators',
  'notation', 'linethickness', 'width', 'height', 'depth', 'scriptlevel', 'displaystyle', 'largeop', 'movablelimits',
  'symmetric', 'encoding',
]);
/** Longest MathML string rendered; longer formulas show their text fallback. */
export const MAX_MATHML = 64 * 1024;

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const cp = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Returns safe MathML markup for `mathml`, or null when it is not a well-formed MathML fragment we can keep. */
export function sanitiseMathml(mathml: string): string | null {
  if (!mathml || mathml.length > MAX_MATHML) return null;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  const attr = /\s+([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
  let out = '';
  const stack: { name: string; dropped: boolean }[] = [];
  let i = 0;
  let skipDepth = 0;
  while (i < mathml.length) {
    const lt = mathml.indexOf('<', i);
    const text = mathml.slice(i, lt === -1 ? mathml.length : lt);
    if (text && !skipDepth) out += escapeHtml(decode(text));
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(mathml);
    if (!m) return null;
    i = tag.lastIndex;
    const [, close, rawName, attrs, selfClose] = m;
    const name = rawName.replace(/^mml:/, '').toLowerCase();
    const allowed = ELEMENTS.has(name);
    if (close) {
      const top = stack.pop();
      if (!top || top.name !== name) return null;
      if (top.dropped) skipDepth--;
      else out += `</${name}>`;
      continue;
    }
    if (!allowed || skipDepth) {
      // A disallowed element is dropped with everything inside it (allowed or not).
      if (!selfClose) {
        stack.push({ name, dropped: true });
        skipDepth++;
      }
      continue;
    }
    let a = '';
    for (const am of attrs.matchAll(attr)) {
      const an = am[1].toLowerCase();
      if (!ATTRS.has(an)) continue;
      const v = decode(am[2] ?? am[3] ?? '');
      if (an === 'xmlns' && v !== 'http://www.w3.org/1998/Math/MathML') continue;
      a += ` ${an}="${escapeHtml(v)}"`;
    }
    if (selfClose) out += `<${name}${a}></${name}>`;
    else {
      stack.push({ name, dropped: false });
      out += `<${name}${a}>`;
    }
  }
  if (stack.length) return null;
  return out;
}
