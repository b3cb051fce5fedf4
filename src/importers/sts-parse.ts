/**
 * NISO STS 1.2 / ISO STS XML → catalogue records, the document's text and its relations. Pure: bytes in,
 * data and diagnostics out; nothing is written here, so a document that fails anywhere writes nothing.
 *
 * Shapes handled:
 * - <standard> with <front> holding one or more metadata blocks (<iso-meta>, <reg-meta>, <nat-meta>, <std-meta>,
 *   <std-doc-meta>). Each block with an identifier becomes a record; when several are present the more
 *   specific one (national > regional > international) is the document in hand and gets `adoptedFrom` the next
 *   less specific one (degree when stated). The text belongs to the most specific record.
 * - <adoption> (NISO STS): <adoption-front> metadata and national front matter around one or more embedded
 *   <standard> (or nested <adoption>). The adopting document and every embedded one are recorded; the adopting
 *   one gets `adoptedFrom` each embedded one, and the text (its front matter + the embedded text).
 */
import { createHash } from 'node:crypto';
import { titleIn, type StandardRecord } from '../catalogue/model.js';
import type { ContentDocument } from '../content/model.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import { SafeXmlParser, XmlError, parseXml, type XmlDocument, type XmlElement, type XmlLimits } from '../xml/safe-sax.js';
import { convertText, type TextParts } from './sts-content.js';
import { META_KEYS, adoptionDegree, metaRank, recordFromMeta, type MetaRecord } from './sts-meta.js';

export interface StsParseOptions {
  /** File name relative to the import source (diagnostics and source.ref). */
  file: string;
  limits?: Partial<XmlLimits>;
}

/** A relation as stated by the document (also present in the `from` record's relations). */
export interface StsRelation {
  from: string;
  type: string;
  target: string;
  degree?: 'IDT' | 'MOD' | 'NEQ';
}

export interface StsParseResult {
  /** Records in write order: adopted documents before the documents that adopt them. */
  records: StandardRecord[];
  /** The text, one document per file at most; its stdId is one of the records. */
  docs: ContentDocument[];
  relations: StsRelation[];
  diagnostics: Diagnostic[];
  /** The XML could not be read (malformed, hostile, over a limit): nothing from this file may be written. */
  failed: boolean;
}

interface Unit {
  records: MetaRecord[];
  primary: MetaRecord | null;
  parts: TextParts;
}

const elements = (el: XmlElement) => el.children.filter((c): c is XmlElement => typeof c !== 'string');

/** Parses a document held in memory. */
export function parseSts(bytes: Uint8Array, opts: StsParseOptions): StsParseResult {
  let doc: XmlDocument;
  try {
    doc = parseXml(bytes, { file: opts.file, limits: opts.limits });
  } catch (e) {
    return failure(e, opts.file);
  }
  return fromDocument(doc, sha256(bytes), opts);
}

/**
 * Parses a document from a stream of chunks (limits apply while reading, so a hostile file is refused after at
 * most the limit). Returns the bytes read too, for storing the original source.
 */
export async function parseStsStream(
  chunks: AsyncIterable<Uint8Array>,
  opts: StsParseOptions,
): Promise<StsParseResult & { bytes: Buffer }> {
  const parser = new SafeXmlParser({ file: opts.file, limits: opts.limits });
  const kept: Buffer[] = [];
  const hash = createHash('sha256');
  let doc: XmlDocument;
  try {
    for await (const c of chunks) {
      parser.write(c);
      kept.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
      hash.update(c);
    }
    doc = parser.close();
  } catch (e) {
    return { ...failure(e, opts.file), bytes: Buffer.alloc(0) };
  }
  return { ...fromDocument(doc, hash.digest('hex'), opts), bytes: Buffer.concat(kept) };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function failure(e: unknown, file: string): StsParseResult {
  const d: Diagnostic =
    e instanceof XmlError
      ? { id: e.id, severity: 'serious', category: 'xml', message: e.detail, location: { file, line: e.line, col: e.col } }
      : { id: 'sts.unreadable', severity: 'serious', category: 'xml', message: (e as Error)?.message ?? String(e), location: { file } };
  return { records: [], docs: [], relations: [], diagnostics: [d], failed: true };
}

function fromDocument(doc: XmlDocument, hash: string, opts: StsParseOptions): StsParseResult {
  const file = opts.file;
  const diagnostics: Diagnostic[] = [];
  for (const w of doc.warnings)
    diagnostics.push({
      id: w.id,
      severity: w.id === 'xml.undeclared_prefix' ? 'minor' : 'info',
      category: 'xml',
      message: w.message,
      location: { file, line: w.line, col: w.col },
    });
  if (doc.doctype?.systemId)
    diagnostics.push({
      id: 'sts.external_dtd_not_read',
      severity: 'info',
      category: 'xml',
      message: `the DOCTYPE names "${doc.doctype.systemId}"; it is not read (named entities come from the built-in STS table)`,
      location: { file, line: 1 },
    });
  const root = doc.root;
  let unit: Unit;
  if (root.key === 'standard') unit = standardUnit(root, file, diagnostics);
  else if (root.key === 'adoption') unit = adoptionUnit(root, file, diagnostics, root.attrs['xml:lang']);
  else {
    diagnostics.push({
      id: 'sts.not_sts',
      severity: 'serious',
      category: 'xml',
      message: `root element <${root.name}> is neither <standard> nor <adoption>; not an STS document`,
      location: { file, line: root.line, col: root.col },
    });
    return { records: [], docs: [], relations: [], diagnostics, failed: true };
  }

  // One record per identifier: the same document can be described twice (an embedded standard's iso-meta and
  // the adopting front's copy of it); the first description wins, relations are merged.
  const records: StandardRecord[] = [];
  const byId = new Map<string, StandardRecord>();
  for (const m of unit.records) {
    const seen = byId.get(m.record.id);
    if (!seen) {
      byId.set(m.record.id, m.record);
      records.push(m.record);
      continue;
    }
    for (const r of m.record.relations)
      if (!seen.relations.some((x) => x.type === r.type && x.target === r.target)) seen.relations.push(r);
  }
  const relations: StsRelation[] = records.flatMap((r) =>
    r.relations.map((x) => (x.degree ? { from: r.id, type: x.type, target: x.target, degree: x.degree } : { from: r.id, type: x.type, target: x.target })),
  );

  const docs: ContentDocument[] = [];
  const owner = unit.primary;
  if (owner) {
    const record = byId.get(owner.record.id)!;
    const text = convertText(unit.parts, { file, lang: owner.lang, diagnostics });
    if (text.front.length + text.body.length + text.back.length === 0)
      diagnostics.push({
        id: 'sts.no_text',
        severity: 'info',
        category: 'content',
        message: `${record.identifiers[0].value}: the document has no text (empty body); only the catalogue record is imported`,
        location: { file },
      });
    else
      docs.push({
        stdId: record.id,
        edition: record.identifiers[0].value,
        lang: owner.lang,
        title: titleIn(record, owner.lang) ?? record.identifiers[0].value,
        source: { format: formatOf(root, doc), ref: file, sha256: hash, mediaType: 'application/xml' },
        front: text.front,
        body: text.body,
        back: text.back,
      });
  }
  return { records, docs, relations, diagnostics, failed: false };
}

/** 'iso-sts' for ISO STS documents, 'niso-sts' for NISO STS (the default). */
function formatOf(root: XmlElement, doc: XmlDocument): string {
  const v = root.attrs['dtd-version'] ?? '';
  if (v.startsWith('iso-')) return 'iso-sts';
  if (/^\d/.test(v)) return 'niso-sts';
  if (/ISOSTS/i.test(`${doc.doctype?.systemId ?? ''} ${doc.doctype?.publicId ?? ''}`)) return 'iso-sts';
  const front = elements(root).find((c) => c.key === 'front');
  if (root.key === 'standard' && front && elements(front).some((c) => c.key === 'std-meta' || c.key === 'std-doc-meta')) return 'niso-sts';
  if (front && elements(front).some((c) => c.key === 'iso-meta')) return 'iso-sts';
  return 'niso-sts';
}

/** Records of the metadata blocks in a front, least specific first, chained by adoptedFrom. */
function metaRecords(front: XmlElement | undefined, file: string, diagnostics: Diagnostic[], fallbackLang?: string): { all: MetaRecord[]; primary: MetaRecord | null } {
  if (!front) return { all: [], primary: null };
  const metas = elements(front).filter((c) => (META_KEYS as readonly string[]).includes(c.key));
  const recs = metas
    .map((m) => recordFromMeta(m, { file, diagnostics, fallbackLang }))
    .filter((r): r is MetaRecord => r !== null)
    .map((r, i) => ({ r, i, rank: metaRank(r.meta) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.r);
  for (let i = 1; i < recs.length; i++) {
    const adopting = recs[i];
    const adopted = recs[i - 1];
    if (metaRank(adopting.meta) <= metaRank(adopted.meta) || adopting.record.id === adopted.record.id) continue;
    addAdoption(adopting, adopted);
  }
  return { all: recs, primary: recs[recs.length - 1] ?? null };
}

function addAdoption(adopting: MetaRecord, adopted: MetaRecord): void {
  const target = adopted.record.identifiers[0].value;
  const rels = adopting.record.relations;
  if (rels.some((r) => r.type === 'adoptedFrom' && r.target === target)) return;
  const degree = adoptionDegree(adopting.meta);
  rels.push(degree ? { type: 'adoptedFrom', target, degree } : { type: 'adoptedFrom', target });
}

function standardUnit(std: XmlElement, file: string, diagnostics: Diagnostic[], inheritedLang?: string): Unit {
  const kids = elements(std);
  const front = kids.find((c) => c.key === 'front');
  const { all, primary } = metaRecords(front, file, diagnostics, std.attrs['xml:lang'] ?? inheritedLang);
  // Metadata blocks without an identifier were reported one by one (sts.no_identifier); say so when there are none.
  const hasMeta = !!front && elements(front).some((c) => (META_KEYS as readonly string[]).includes(c.key));
  if (!hasMeta)
    diagnostics.push({
      id: 'sts.no_record',
      severity: 'serious',
      category: 'metadata',
      message: front ? '<standard> has no metadata block (iso-meta, nat-meta, reg-meta, std-meta); it cannot be catalogued' : '<standard> has no <front>',
      location: { file, line: std.line, col: std.col },
    });
  const parts: TextParts = { front: front ? [front] : [], body: kids.filter((c) => c.key === 'body'), back: kids.filter((c) => c.key === 'back') };
  return { records: all, primary, parts };
}

function adoptionUnit(adoption: XmlElement, file: string, diagnostics: Diagnostic[], inheritedLang?: string): Unit {
  const lang = adoption.attrs['xml:lang'] ?? inheritedLang;
  const kids = elements(adoption);
  const front = kids.find((c) => c.key === 'adoption-front');
  const own = metaRecords(front, file, diagnostics, lang);
  const embedded = kids
    .filter((c) => c.key === 'standard' || c.key === 'adoption')
    .map((c) => (c.key === 'standard' ? standardUnit(c, file, diagnostics, lang) : adoptionUnit(c, file, diagnostics, lang)));
  if (!embedded.length)
    diagnostics.push({
      id: 'sts.adoption_empty',
      severity: 'minor',
      category: 'metadata',
      message: '<adoption> embeds no <standard>',
      location: { file, line: adoption.line, col: adoption.col },
    });
  if (own.primary)
    for (const e of embedded) if (e.primary && e.primary.record.id !== own.primary.record.id) addAdoption(own.primary, e.primary);
  const back = kids.filter((c) => c.key === 'back');
  return {
    // Adopted documents first, so a reader of the run sees the chain in order.
    records: [...embedded.flatMap((e) => e.records), ...own.all],
    primary: own.primary ?? embedded.find((e) => e.primary)?.primary ?? null,
    parts: {
      front: [...(front ? [front] : []), ...embedded.flatMap((e) => e.parts.front)],
      body: embedded.flatMap((e) => e.parts.body),
      back: [...embedded.flatMap((e) => e.parts.back), ...back],
    },
  };
}
