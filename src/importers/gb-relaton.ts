import { SaxesParser } from 'saxes';
import type { Obj } from './relaton-map.js';

/**
 * Relaton XML (bibdata / bibitem, as relaton-gb and the other relaton gems write it) → the same plain-object
 * shape as Relaton YAML, so one mapper (relaton-map.ts) serves both. Parsed with saxes: external entities and
 * DTDs are never fetched or expanded (saxes knows only the five predefined entities; anything else is an
 * error with line:col).
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

export type XmlResult = { ok: true; items: Obj[] } | { ok: false; message: string; line?: number; col?: number };

const MAX_DEPTH = 200;

/** Parses XML text into an element tree (namespace prefixes kept in names; positions in errors). */
export function parseXmlTree(xml: string): { ok: true; root: XmlElement } | { ok: false; message: string; line?: number; col?: number } {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: { message: string; line: number; col: number } | undefined;
  parser.on('error', (e) => {
    failure ??= { message: e.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, ''), line: parser.line, col: parser.column };
  });
  parser.on('opentag', (t) => {
    const el: XmlElement = { name: localName(t.name), attrs: {}, children: [] };
    for (const [k, v] of Object.entries(t.attributes)) el.attrs[localName(k)] = String(v);
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
    if (stack.length > MAX_DEPTH) failure ??= { message: 'elements nested too deeply', line: parser.line, col: parser.column };
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (s: string) => {
    if (stack.length) stack[stack.length - 1].children.push(s);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(xml).close();
  } catch (e) {
    failure ??= { message: (e as Error).message, line: parser.line, col: parser.column };
  }
  if (failure) return { ok: false, ...failure };
  if (!root) return { ok: false, message: 'no root element' };
  return { ok: true, root };
}

function localName(n: string): string {
  const k = n.indexOf(':');
  return k >= 0 ? n.slice(k + 1) : n;
}

const kids = (el: XmlElement, name?: string): XmlElement[] =>
  el.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
const kid = (el: XmlElement, name: string): XmlElement | undefined => kids(el, name)[0];

/** All text inside an element, in document order (mixed content flattened). */
export function textOf(el: XmlElement | undefined): string {
  if (!el) return '';
  return el.children.map((c) => (typeof c === 'string' ? c : c.name === 'br' ? '\n' : textOf(c))).join('');
}

/** Text of the first child element of that name, or undefined when absent/empty. */
function childText(el: XmlElement, name: string): string | undefined {
  const s = textOf(kid(el, name)).trim();
  return s === '' ? undefined : s;
}

/**
 * Reads a Relaton XML document: a single <bibdata>/<bibitem>, or a <relaton-collection> (or any wrapper) whose
 * <relation>/<bibdata>/<bibitem> descendants are the items.
 */
export function readRelatonXml(xml: string): XmlResult {
  const tree = parseXmlTree(xml);
  if (!tree.ok) return tree;
  const root = tree.root;
  if (root.name === 'bibdata' || root.name === 'bibitem') return { ok: true, items: [bibFromXml(root)] };
  const items: Obj[] = [];
  const walk = (el: XmlElement, depth: number) => {
    for (const c of kids(el)) {
      if (c.name === 'bibdata' || c.name === 'bibitem') items.push(bibFromXml(c));
      else if (depth < 4) walk(c, depth + 1);
    }
  };
  walk(root, 0);
  if (!items.length) return { ok: false, message: `root element <${root.name}> holds no <bibdata> or <bibitem>` };
  return { ok: true, items };
}

function langAttrs(el: XmlElement): Obj {
  const o: Obj = {};
  if (el.attrs.language) o.language = el.attrs.language;
  if (el.attrs.script) o.script = el.attrs.script;
  if (el.attrs.format) o.format = el.attrs.format;
  return o;
}

function organization(el: XmlElement): Obj {
  return {
    name: kids(el, 'name').map((n) => ({ content: textOf(n).trim(), ...langAttrs(n) })),
    ...(childText(el, 'abbreviation') ? { abbreviation: childText(el, 'abbreviation') } : {}),
  };
}

function person(el: XmlElement): Obj {
  const name = kid(el, 'name');
  if (!name) return {};
  return {
    name: {
      ...(childText(name, 'completename') ? { completename: childText(name, 'completename') } : {}),
      forename: kids(name, 'forename').map((f) => textOf(f).trim()),
      ...(childText(name, 'surname') ? { surname: childText(name, 'surname') } : {}),
    },
  };
}

/** Converts a <bibdata>/<bibitem> element to the Relaton YAML shape read by relaton-map.ts. */
export function bibFromXml(el: XmlElement): Obj {
  const bib: Obj = {};
  if (el.attrs.id) bib.id = el.attrs.id;
  if (el.attrs.type) bib.type = el.attrs.type;
  if (el.attrs['schema-version']) bib['schema-version'] = el.attrs['schema-version'];
  bib.title = kids(el, 'title').map((t) => ({ content: textOf(t), ...langAttrs(t), ...(t.attrs.type ? { type: t.attrs.type } : {}) }));
  bib.link = kids(el, 'uri').map((u) => ({ content: textOf(u).trim(), ...(u.attrs.type ? { type: u.attrs.type } : {}) }));
  bib.docid = kids(el, 'docidentifier').map((d) => ({
    id: textOf(d).trim(),
    ...(d.attrs.type ? { type: d.attrs.type } : {}),
    ...(d.attrs.primary === 'true' ? { primary: true } : {}),
  }));
  const docnumber = childText(el, 'docnumber');
  if (docnumber) bib.docnumber = docnumber;
  bib.date = kids(el, 'date').map((d) => ({
    type: d.attrs.type,
    // <on> or <from>; old files put the date directly inside <date>.
    value: childText(d, 'on') ?? childText(d, 'from') ?? textOf(d).trim(),
  }));
  bib.contributor = kids(el, 'contributor').map((c) => {
    const o: Obj = { role: kids(c, 'role').map((r) => ({ type: r.attrs.type })) };
    const org = kid(c, 'organization');
    const per = kid(c, 'person');
    if (org) o.organization = organization(org);
    else if (per) o.person = person(per);
    return o;
  });
  const edition = childText(el, 'edition');
  if (edition) bib.edition = { content: edition };
  bib.language = kids(el, 'language').map((l) => textOf(l).trim());
  bib.abstract = kids(el, 'abstract').map((a) => ({ content: textOf(a), ...langAttrs(a) }));
  const status = kid(el, 'status');
  if (status) {
    const stage = childText(status, 'stage');
    const substage = childText(status, 'substage');
    // Very old files write the status as plain text in <status>.
    bib.docstatus = stage
      ? { stage: { value: stage }, ...(substage ? { substage: { value: substage } } : {}) }
      : { stage: { value: textOf(status).trim() } };
  }
  bib.copyright = kids(el, 'copyright').map((c) => ({
    owner: kids(c, 'owner').map((o) => {
      const org = kid(o, 'organization');
      return org ? organization(org) : { name: textOf(o).trim() };
    }),
    ...(childText(c, 'from') ? { from: childText(c, 'from') } : {}),
    ...(childText(c, 'to') ? { to: childText(c, 'to') } : {}),
  }));
  bib.relation = kids(el, 'relation').map((r) => {
    const item = kid(r, 'bibitem');
    const rel: Obj = { type: r.attrs.type };
    const description = childText(r, 'description');
    if (description) rel.description = description;
    if (item) {
      rel.bibitem = {
        docid: kids(item, 'docidentifier').map((d) => ({
          id: textOf(d).trim(),
          ...(d.attrs.type ? { type: d.attrs.type } : {}),
          ...(d.attrs.primary === 'true' ? { primary: true } : {}),
        })),
        ...(childText(item, 'formattedref') ? { formattedref: childText(item, 'formattedref') } : {}),
        date: kids(item, 'date').map((d) => ({ type: d.attrs.type, value: childText(d, 'on') ?? textOf(d).trim() })),
      };
    }
    return rel;
  });
  bib.keyword = kids(el, 'keyword').map((k) => textOf(k).trim());
  const ext = kid(el, 'ext');
  if (ext) bib.ext = extFromXml(ext);
  return bib;
}

function extFromXml(ext: XmlElement): Obj {
  const o: Obj = {};
  if (ext.attrs['schema-version']) o['schema-version'] = ext.attrs['schema-version'];
  const doctype = childText(ext, 'doctype');
  if (doctype) o.doctype = { type: doctype };
  const eg = kid(ext, 'editorialgroup');
  if (eg) {
    o.editorialgroup = {
      technical_committee: [...kids(eg, 'technical-committee'), ...kids(eg, 'technical_committee')].map((tc) => ({
        name: textOf(tc).trim(),
        ...(tc.attrs.number ? { number: tc.attrs.number } : {}),
        ...(tc.attrs.type ? { type: tc.attrs.type } : {}),
        ...(tc.attrs.identifier ? { identifier: tc.attrs.identifier } : {}),
      })),
    };
  }
  const gbc = kid(ext, 'gbcommittee');
  if (gbc) o.committee = { type: gbc.attrs.type, name: textOf(gbc).trim() };
  o.ics = kids(ext, 'ics').map((i) => ({ code: childText(i, 'code'), text: childText(i, 'text') }));
  o.ccs = kids(ext, 'ccs').map((c) => ({ code: childText(c, 'code'), text: childText(c, 'text') }));
  const si = kid(ext, 'structuredidentifier');
  if (si) o.structuredidentifier = { project_number: childText(si, 'project-number'), type: si.attrs.type };
  const gbtype = kid(ext, 'gbtype');
  if (gbtype) {
    o.gbtype = {
      scope: childText(gbtype, 'gbscope'),
      prefix: childText(gbtype, 'gbprefix'),
      mandate: childText(gbtype, 'gbmandate'),
      topic: childText(gbtype, 'gbtopic'),
    };
  }
  return o;
}
