/**
 * Staging a full text: runs a registered content importer in dry-run mode over an uploaded file and reports what
 * publishing it would write — diagnostics (id, severity, location) and the shape of the text (clauses, terms,
 * tables) — BEFORE anything reaches the public catalogue.
 *
 * Dry run without touching the importers: the importer gets capture adapters of the ports (CatalogueStore,
 * ClassificationStore, ContentStore) that answer reads from the real stores — overlaid with the draft's record, so
 * an importer that looks the record up (rfc-text) finds the unpublished draft — and keep writes in memory. Any
 * importer that writes through ImportContext therefore stages without change.
 *
 * The uploaded file's name is never used as a path: the importer reads a temporary file whose name is built from
 * the draft's record id (a slug of [A-Za-z0-9.-]) and the importer's expected form ('rfc9110.txt', 'X.xml').
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIdentifier } from '../catalogue/identifier.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { CatalogueStore, UpsertOutcome } from '../catalogue/ports.js';
import type { ClassificationCode, ClassificationStore } from '../classification/ports.js';
import type { ContentDocument, Section } from '../content/model.js';
import type { ContentStore } from '../content/ports.js';
import { DiagnosticLog, type Diagnostic, type ImportCounts } from '../kernel/diagnostics.js';
import { AppError } from '../kernel/errors.js';
import { getImporter } from '../importers/registry.js';
import { SourceError } from '../importers/sources.js';

/** Importers that bring a standard's full text from one file, with how to recognise and name such a file. */
export const TEXT_IMPORTERS = [
  { name: 'sts', ext: 'xml', label: 'NISO STS / ISO STS XML' },
  { name: 'rfc-text', ext: 'txt', label: 'RFC plain text' },
] as const;
export type TextImporter = (typeof TEXT_IMPORTERS)[number]['name'];

export function isTextImporter(v: unknown): v is TextImporter {
  return TEXT_IMPORTERS.some((i) => i.name === v);
}

/** Picks the importer for an upload: XML (first non-blank byte '<', after an optional BOM) → sts, else rfc-text. */
export function sniffTextImporter(bytes: Buffer): TextImporter {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 4096 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x3c ? 'sts' : 'rfc-text';
}

/** What a staged text looks like (shown before publishing). */
export interface TextStats {
  lang: string;
  title: string;
  edition: string;
  sections: number;
  clauses: number;
  terms: number;
  tables: number;
  figures: number;
  formulas: number;
  annexes: number;
}

export interface StagedReport {
  importer: string;
  counts: ImportCounts;
  diagnostics: Diagnostic[];
  stats: TextStats | null;
  /** True when an 'abort' diagnostic was raised: the draft cannot be published with this text. */
  blocked: boolean;
}

export interface StagedText extends StagedReport {
  doc: ContentDocument | null;
  source: Buffer | null;
}

/** Counts sections, clauses, terms, tables, figures and formulas of a text. */
export function textStats(doc: ContentDocument): TextStats {
  const s = { sections: 0, clauses: 0, terms: 0, tables: 0, figures: 0, formulas: 0, annexes: 0 };
  const blocks = (list: readonly unknown[]): void => {
    for (const b of list as { t: string; [k: string]: unknown }[]) {
      if (b.t === 'term') s.terms++;
      if (b.t === 'table') s.tables++;
      if (b.t === 'figure' || (b.t === 'pre' && b.kind === 'figure')) s.figures++;
      if (b.t === 'formula') s.formulas++;
      for (const k of ['c', 'definition', 'notes', 'examples'] as const) if (Array.isArray(b[k]) && k !== 'c') blocks(b[k] as unknown[]);
      if (b.t === 'note' || b.t === 'example' || b.t === 'quote') blocks(b.c as unknown[]);
      if (b.t === 'list') for (const it of b.items as { c: unknown[] }[]) blocks(it.c);
    }
  };
  const walk = (list: Section[]): void => {
    for (const sec of list) {
      s.sections++;
      if (sec.kind === 'clause' || sec.kind === 'scope' || sec.kind === 'terms' || sec.kind === 'normative-references') s.clauses++;
      if (sec.kind === 'annex') s.annexes++;
      blocks(sec.blocks);
      walk(sec.children);
    }
  };
  walk(doc.front);
  walk(doc.body);
  walk(doc.back);
  return { lang: doc.lang, title: doc.title, edition: doc.edition, ...s };
}

/** The temporary file name an importer reads for a draft's text (never the uploaded name). */
export function stagingFileName(importer: TextImporter, record: StandardRecord): string {
  if (importer === 'rfc-text') {
    const p = parseIdentifier(record.identifiers.find((i) => i.primary)?.value ?? record.id);
    const n = p?.prefix === 'RFC' ? p.number : null;
    return n && /^\d{1,5}$/.test(n) ? `rfc${n}.txt` : 'rfc0.txt';
  }
  return `${record.id}.xml`;
}

/** Wrappers of a CatalogueStore: the reads a wrapper leaves alone go straight to `inner`. */
export abstract class CatalogueReadThrough implements Pick<CatalogueStore, 'editions' | 'relations' | 'summaries' | 'stats' | 'count' | 'history'> {
  constructor(protected readonly inner: CatalogueStore) {}
  editions = (f: string) => this.inner.editions(f);
  relations = (id: string) => this.inner.relations(id);
  summaries = (ids: string[]) => this.inner.summaries(ids);
  stats = () => this.inner.stats();
  count = () => this.inner.count();
  history = (id: string) => this.inner.history(id);
}

/** Read-through, write-to-memory catalogue (the draft's record answers for its own id). */
class CaptureCatalogue extends CatalogueReadThrough implements CatalogueStore {
  readonly written: StandardRecord[] = [];
  constructor(
    inner: CatalogueStore,
    private readonly draft: StandardRecord,
  ) {
    super(inner);
  }
  async upsert(record: StandardRecord): Promise<UpsertOutcome> {
    this.written.push(record);
    return 'created';
  }
  async upsertMany(records: StandardRecord[]): Promise<UpsertOutcome[]> {
    this.written.push(...records);
    return records.map(() => 'created' as const);
  }
  async remove(): Promise<boolean> {
    throw new AppError('invalid_input', 'a staged import may not delete records');
  }
  async get(id: string) {
    return id === this.draft.id ? this.draft : this.inner.get(id);
  }
  async resolve(text: string) {
    const p = parseIdentifier(text);
    if (p && p.slug === this.draft.id) return this.draft;
    return this.inner.resolve(text);
  }
}

class CaptureClassifications implements ClassificationStore {
  constructor(private readonly inner: ClassificationStore) {}
  async upsert(_c: ClassificationCode): Promise<'unchanged'> {
    return 'unchanged';
  }
  get = (s: string, c: string) => this.inner.get(s, c);
  children = (s: string, p: string | null) => this.inner.children(s, p);
  ancestors = (s: string, c: string) => this.inner.ancestors(s, c);
  count = (s: string) => this.inner.count(s);
}

class CaptureContent implements ContentStore {
  readonly written: { doc: ContentDocument; source: Buffer }[] = [];
  constructor(private readonly inner: ContentStore) {}
  async put(doc: ContentDocument, source: Buffer): Promise<'created'> {
    this.written.push({ doc, source });
    return 'created';
  }
  list = (id: string) => this.inner.list(id);
  get = (id: string, lang?: string) => this.inner.get(id, lang);
  section = (id: string, a: string, lang?: string) => this.inner.section(id, a, lang);
  source = (id: string, lang?: string) => this.inner.source(id, lang);
  count = () => this.inner.count();
}

/**
 * Runs `importer` over `bytes` as the text of `record` without writing anything, and returns the report and the
 * document publishing would store. Problems specific to a draft become diagnostics too: no text in the file, or
 * a text that belongs to another standard ('abort': it cannot be published with this draft).
 */
export async function stageText(
  stores: { catalogue: CatalogueStore; classifications: ClassificationStore; content: ContentStore },
  importer: TextImporter,
  record: StandardRecord,
  bytes: Buffer,
): Promise<StagedText> {
  const imp = getImporter(importer);
  const log = new DiagnosticLog();
  const catalogue = new CaptureCatalogue(stores.catalogue, record);
  const content = new CaptureContent(stores.content);
  const dir = await mkdtemp(join(tmpdir(), 'stdhub-stage-'));
  const name = stagingFileName(importer, record);
  try {
    const path = join(dir, name);
    await writeFile(path, bytes);
    try {
      await imp.run(path, { catalogue, classifications: new CaptureClassifications(stores.classifications), content, log, actor: 'editorial:staging', progress: () => {} });
    } catch (e) {
      log.add({ id: e instanceof SourceError ? 'source.unreadable' : 'import.crashed', severity: 'abort', category: 'source', message: (e as Error).message.replaceAll(dir, ''), location: { file: name } });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const mine = content.written.filter((w) => w.doc.stdId === record.id);
  for (const w of content.written)
    if (w.doc.stdId !== record.id)
      log.add({ id: 'editorial.text_other_standard', severity: 'abort', category: 'consistency', message: `the file is the text of ${w.doc.stdId}, not of ${record.id}`, location: { file: name, record: w.doc.stdId } });
  for (const r of catalogue.written)
    if (r.id !== record.id)
      log.add({ id: 'editorial.record_not_staged', severity: 'info', category: 'consistency', message: `the file also describes ${r.id}; only the text of ${record.id} is published from here`, location: { file: name, record: r.id } });
  if (!content.written.length)
    log.add({ id: 'editorial.no_text', severity: 'abort', category: 'source', message: 'the importer found no full text in this file', location: { file: name } });
  const staged = mine.at(-1) ?? null;
  return {
    importer,
    counts: log.counts,
    diagnostics: log.items,
    stats: staged ? textStats(staged.doc) : null,
    blocked: log.items.some((d) => d.severity === 'abort') || !staged,
    doc: staged?.doc ?? null,
    source: staged?.source ?? null,
  };
}
