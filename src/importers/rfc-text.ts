import { createHash } from 'node:crypto';
import { parseIdentifier } from '../catalogue/identifier.js';
import { primaryIdentifier, titleIn, type StandardRecord } from '../catalogue/model.js';
import type { ContentDocument } from '../content/model.js';
import { registerImporter } from './registry.js';
import { parseRfcText, RFC_TEXT_PARSER, type ParseNote, type RfcHeader } from './rfc-text-parse.js';
import { decodeText, readSource } from './sources.js';
import type { ImportContext } from './types.js';

/**
 * Importer for RFC full texts in the RFC Editor's plain-text format: one rfcNNNN.txt, a folder of them, or an
 * archive (the whole series is rfcs-all-txt.tar.xz, streamed, never unpacked). Parsing is rfc-text-parse.ts (pure);
 * this module finds each text's catalogue record, cross-checks the header against it, and stores the text with
 * ContentStore.put — one transaction per document, so a crash keeps whole documents only and a re-run completes
 * the rest (re-putting an unchanged text writes nothing).
 *
 * The catalogue record must exist (import the rfc-index first). A text without one is not imported: it is reported
 * as 'rfc_text.not_in_catalogue' (serious) and counted as skipped. A minimal record is not invented from the text
 * header because the index is the authority for status, dates and relations, and a made-up record would later be
 * overwritten or, worse, mask a missing index entry.
 */

const NAME = 'rfc-text';
/** The largest RFC is 1.6 MB; anything far beyond is not an RFC text and would only cost memory. */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;
const FILE_RE = /(?:^|\/)rfc(\d{1,5})\.txt$/i;

/** Header category as printed vs the index status (which follows later reclassification). */
function categoryClass(s: string): string | null {
  const t = s.trim().toLowerCase();
  if (/standards? track|proposed standard|draft standard|internet standard|^standards?$/.test(t)) return 'standards-track';
  if (/best current practice|^bcp$/.test(t)) return 'bcp';
  if (/informational/.test(t)) return 'informational';
  if (/experimental/.test(t)) return 'experimental';
  if (/historic/.test(t)) return 'historic';
  if (/unknown/.test(t)) return null;
  return t;
}

function rfcNumbersOf(record: StandardRecord, types: string[]): number[] {
  const out = new Set<number>();
  for (const r of record.relations) {
    if (!types.includes(r.type)) continue;
    const m = /^RFC\s*0*(\d{1,5})$/i.exec(r.target.trim());
    if (m) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Compares what a text's header says with its catalogue record: number, Obsoletes:, Updates: and Category:.
 * Differences are 'minor' (the index is kept; the text is imported). A header category that the index now lists
 * as Historic is only 'info': RFCs are reclassified after publication, their header is not.
 */
export function crossCheckHeader(header: RfcHeader, record: StandardRecord, fileNumber: number): ParseNote[] {
  const notes: ParseNote[] = [];
  if (header.number !== null && header.number !== fileNumber)
    notes.push({ id: 'rfc_text.number_mismatch', severity: 'minor', message: `file is RFC ${fileNumber} but its header says RFC ${header.number}` });
  const list = (xs: number[]) => (xs.length ? xs.join(', ') : 'none');
  const compare = (field: 'obsoletes' | 'updates', types: string[], label: string) => {
    const catalogue = rfcNumbersOf(record, types);
    const printed = [...header[field]].sort((a, b) => a - b);
    // Old RFCs print no such line at all; only a printed field can disagree.
    if (!header.fields.includes(field) && !printed.length) return;
    const missing = catalogue.filter((n) => !printed.includes(n));
    const extra = printed.filter((n) => !catalogue.includes(n));
    if (missing.length || extra.length)
      notes.push({
        id: `rfc_text.${field}_mismatch`,
        severity: 'minor',
        message: `header "${label}: ${list(printed)}" vs catalogue ${list(catalogue)}${extra.length ? `; only in the header: ${list(extra)}` : ''}${missing.length ? `; only in the catalogue: ${list(missing)}` : ''}`,
      });
  };
  compare('obsoletes', ['replaces', 'obsoletes'], 'Obsoletes');
  compare('updates', ['updates'], 'Updates');
  if (header.category && record.statusSource) {
    const h = categoryClass(header.category);
    const c = categoryClass(record.statusSource);
    if (h && c && h !== c) {
      if (c === 'historic')
        notes.push({ id: 'rfc_text.category_reclassified', severity: 'info', message: `header category "${header.category}"; the catalogue lists it as ${record.statusSource} (reclassified since publication)` });
      else notes.push({ id: 'rfc_text.category_mismatch', severity: 'minor', message: `header category "${header.category}" vs catalogue status "${record.statusSource}"` });
    }
  }
  return notes;
}

/** Builds the ContentDocument of one RFC text for its catalogue record (pure; exported for tests and benchmarks). */
export function rfcContentDocument(
  record: StandardRecord,
  parsed: ReturnType<typeof parseRfcText>,
  file: { name: string; bytes: Buffer; encoding: 'utf-8' | 'latin1' },
): ContentDocument {
  const number = primaryIdentifier(record).value;
  return {
    stdId: record.id,
    // RFCs have one edition each: the number is the edition key (re-importing RFC 9110 replaces RFC 9110's text).
    edition: record.edition ?? number,
    lang: 'en',
    title: titleIn(record, 'en') ?? parsed.header.title ?? number,
    source: {
      format: NAME,
      ref: file.name,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      mediaType: file.encoding === 'latin1' ? 'text/plain; charset=iso-8859-1' : 'text/plain; charset=utf-8',
      parser: RFC_TEXT_PARSER,
    },
    front: parsed.front,
    body: parsed.body,
    back: parsed.back,
  };
}

async function findRecord(ctx: ImportContext, n: number): Promise<StandardRecord | null> {
  const id = parseIdentifier(`RFC ${n}`)?.slug ?? `RFC-${n}`;
  return (await ctx.catalogue.get(id)) ?? (await ctx.catalogue.resolve(`RFC ${n}`));
}

/** Runs the import of one file, a folder or an archive of RFC texts. */
export async function importRfcTexts(source: string, ctx: ImportContext): Promise<void> {
  const content = ctx.content;
  if (!content) {
    ctx.log.add({ id: 'rfc_text.no_content_store', severity: 'abort', category: 'storage', message: 'this run has no content store; nothing to write texts to', location: { file: source } });
    return;
  }
  const counts = ctx.log.counts;
  const ignored: string[] = [];
  let ignoredCount = 0;
  let files = 0;
  const wanted = (name: string) => {
    if (FILE_RE.test(name)) return true;
    // Indexes and sub-series files travel in the same archive; they are not RFC texts.
    ignoredCount++;
    if (ignored.length < 5) ignored.push(name);
    return false;
  };
  for await (const f of readSource(source, wanted)) {
    files++;
    counts.seen++;
    const file = f.name.replace(/\\/g, '/');
    const n = Number(FILE_RE.exec(file)![1]);
    const recordLabel = `RFC ${n}`;
    try {
      if (f.data.length > MAX_TEXT_BYTES) {
        counts.failed++;
        ctx.log.error('rfc_text.too_large', `${f.data.length} bytes; the limit is ${MAX_TEXT_BYTES}`, { file, record: recordLabel }, 'source');
        continue;
      }
      const record = await findRecord(ctx, n);
      if (!record) {
        counts.skipped++;
        ctx.log.error('rfc_text.not_in_catalogue', `RFC ${n} is not in the catalogue (import rfc-index first); its text is not imported`, { file, record: recordLabel }, 'reference');
        continue;
      }
      const { text, encoding } = decodeText(f.data);
      if (encoding === 'latin1')
        ctx.log.info('rfc_text.latin1', 'not valid UTF-8; decoded as ISO-8859-1 (Latin-1)', { file, record: record.id }, 'source');
      const parsed = parseRfcText(text);
      for (const note of [...parsed.notes, ...crossCheckHeader(parsed.header, record, n)])
        ctx.log.add({
          id: note.id,
          severity: note.severity,
          category: note.id.endsWith('_mismatch') || note.id.endsWith('_reclassified') ? 'consistency' : 'parse',
          message: note.message,
          location: { file, ...(note.line ? { line: note.line } : {}), record: record.id },
        });
      const doc = rfcContentDocument(record, parsed, { name: file, bytes: f.data, encoding });
      const outcome = await content.put(doc, f.data, { actor: ctx.actor });
      counts[outcome]++;
    } catch (e) {
      counts.failed++;
      ctx.log.error('rfc_text.failed', `RFC ${n}: ${(e as Error).message}`, { file, record: recordLabel }, 'storage');
    }
    if (files % 25 === 0) ctx.progress(files);
  }
  ctx.progress(files);
  if (ignoredCount)
    ctx.log.info('rfc_text.ignored_files', `${ignoredCount} files not named rfcNNNN.txt were ignored (e.g. ${ignored.join(', ')})`, { file: source }, 'source');
  if (files === 0)
    ctx.log.add({ id: 'rfc_text.no_files', severity: 'abort', category: 'source', message: 'no rfcNNNN.txt files in the source', location: { file: source } });
}

registerImporter({
  name: NAME,
  description: 'RFC full texts (RFC Editor plain text): section tree with stable anchors, paragraphs, lists, figures kept verbatim, references',
  accepts: 'rfcNNNN.txt, a folder of them, or a .tar/.tar.gz/.tar.xz archive (rfcs-all-txt.tar.xz)',
  run: importRfcTexts,
});
