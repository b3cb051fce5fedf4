/**
 * MathML from STS documents, kept as MathML: an <mml:math> subtree is serialised as namespaced XML. MathML
 * elements are written without a prefix under a default namespace declaration
 * (`<math xmlns="http://www.w3.org/1998/Math/MathML">`), because that is the form HTML parsers render natively;
 * the namespace is kept, so the string is also well-formed, namespace-correct XML for any XML consumer.
 * Elements and attributes of other known namespaces keep their canonical prefix, declared on the root.
 */
import { KNOWN_NAMESPACES, type XmlElement, type XmlNode } from '../xml/safe-sax.js';

const MATHML = KNOWN_NAMESPACES.mml;

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escAttr(s: string): string {
  return escText(s).replace(/"/g, '&quot;');
}

/** Serialises a MathML element (normally <mml:math>) to a standalone MathML string. */
export function serialiseMathml(el: XmlElement): string {
  const needed = new Set<string>();
  const body = serialise(el, needed);
  // Declarations go on the root element; the root's own output starts with '<math' (or '<prefix:local').
  const decls = [` xmlns="${MATHML}"`, ...[...needed].sort().map((p) => ` xmlns:${p}="${KNOWN_NAMESPACES[p]}"`)].join('');
  const nameEnd = body.search(/[\s/>]/);
  return body.slice(0, nameEnd) + decls + body.slice(nameEnd);
}

function qname(key: string, uri: string, needed: Set<string>): string | null {
  if (uri === MATHML) return key.slice(key.indexOf(':') + 1);
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const p = key.slice(0, colon);
  if (p === 'xml') return key;
  if (KNOWN_NAMESPACES[p]) {
    needed.add(p);
    return key;
  }
  return null; // an unknown namespace cannot be declared reliably: leave it out
}

function serialise(el: XmlElement, needed: Set<string>): string {
  const name = qname(el.key, el.uri, needed);
  if (!name) return '';
  let out = `<${name}`;
  for (const [k, v] of Object.entries(el.attrs)) {
    const colon = k.indexOf(':');
    const p = colon < 0 ? '' : k.slice(0, colon);
    if (p && p !== 'xml') {
      if (!KNOWN_NAMESPACES[p]) continue;
      needed.add(p);
    }
    out += ` ${k}="${escAttr(v)}"`;
  }
  const inner = el.children.map((c) => serialiseNode(c, needed)).join('');
  return inner ? `${out}>${inner}</${name}>` : `${out}/>`;
}

function serialiseNode(n: XmlNode, needed: Set<string>): string {
  if (typeof n !== 'string') return serialise(n, needed);
  // Indentation between MathML elements is not content (MathML 3 §2.1.7); token text keeps its spaces.
  return /^[ \t\r\n]*$/.test(n) ? '' : escText(n);
}

/** Plain-text rendering of MathML for search and fallbacks: the token text in order, whitespace collapsed. */
export function mathText(el: XmlElement): string {
  const parts: string[] = [];
  const walk = (n: XmlNode) => {
    if (typeof n === 'string') {
      const t = n.replace(/[ \t\r\n]+/g, ' ').trim();
      if (t) parts.push(t);
      return;
    }
    if (n.local === 'annotation' || n.local === 'annotation-xml') return;
    n.children.forEach(walk);
  };
  walk(el);
  return parts.join('').replace(/\u2061|\u2062|\u2063|\u2064/g, '');
}
