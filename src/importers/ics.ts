import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { ClassificationCode } from '../classification/ports.js';
import { icsLevel, icsParent } from '../classification/tree.js';
import { registerImporter } from './registry.js';
import { decodeText, readSource } from './sources.js';
import type { ImportContext } from './types.js';

/**
 * Importer for the International Classification for Standards as published by metanorma/iso-ics-codes: JSON Lines,
 * one JSON-LD object per code ({ code, description, notes: [{ text, 'ics-code'? }], fieldcode, groupcode,
 * subgroupcode, edition }). ICS is English-only in that source, so titleZh stays null. The tree is the dotted code
 * itself: field '13' > group '13.220' > sub-group '13.220.10'.
 */

const NAME = 'ics';
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Field 'NN', group 'NN.NNN', sub-group 'NN.NNN.NN'. */
const ICS_CODE_RE = /^\d{2}(?:\.\d{3}(?:\.\d{2})?)?$/;

interface IcsNote {
  text?: unknown;
  'ics-code'?: unknown;
}

/** A note as text: the source writes cross-references as '{ics-code}' placeholders beside the code. */
function noteText(n: IcsNote): string | null {
  if (typeof n.text !== 'string') return null;
  const ref = typeof n['ics-code'] === 'string' ? n['ics-code'] : null;
  return (ref ? n.text.replaceAll('{ics-code}', ref) : n.text).trim() || null;
}

/** Picks the ICS file of a source: the file itself, or the highest edition's ics*.jsonl in a folder/archive. */
async function readIcsFile(source: string, ctx: ImportContext): Promise<{ name: string; text: string } | null> {
  const st = await fs.stat(source);
  const archive = /\.(tar|tgz|tar\.gz|tar\.xz|txz)$/i.test(source);
  if (st.isFile() && !archive) {
    if (st.size > MAX_FILE_BYTES) throw new Error(`${source}: larger than ${MAX_FILE_BYTES} bytes`);
    return { name: basename(source), text: decodeText(await fs.readFile(source)).text };
  }
  const found: { name: string; text: string; edition: number }[] = [];
  for await (const f of readSource(source, (n) => /(^|\/)ics[^/]*\.jsonl$/i.test(n))) {
    const ed = /ed(\d+)/i.exec(basename(f.name));
    found.push({ name: f.name, text: decodeText(f.data).text, edition: ed ? Number(ed[1]) : 0 });
  }
  if (!found.length) return null;
  found.sort((a, b) => b.edition - a.edition || a.name.localeCompare(b.name));
  if (found.length > 1)
    ctx.log.info('ics.edition_chosen', `several ICS files; imported ${found[0].name}, ignored ${found.slice(1).map((f) => f.name).join(', ')}`, { file: found[0].name }, 'source');
  return found[0];
}

/** Runs the import: one code per line, one transaction per code; bad lines are reported with file:line. */
export async function importIcs(source: string, ctx: ImportContext): Promise<void> {
  const file = await readIcsFile(source, ctx);
  if (!file) {
    ctx.log.add({ id: 'ics.not_found', severity: 'abort', category: 'source', message: 'no ics*.jsonl file in the source', location: { file: source } });
    return;
  }
  const lines = file.text.split(/\r?\n/);
  const total = lines.filter((l) => l.trim()).length;
  const counts = ctx.log.counts;
  const seen = new Set<string>();
  let done = 0;
  ctx.progress(0, total);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const loc = { file: file.name, line: i + 1 };
    counts.seen++;
    done++;
    if (done % 100 === 0 || done === total) ctx.progress(done, total);
    let obj: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      obj = parsed as Record<string, unknown>;
    } catch (e) {
      ctx.log.error('ics.bad_json', `line is not a JSON object: ${(e as Error).message}`, loc, 'parse');
      counts.failed++;
      continue;
    }
    const code = typeof obj.code === 'string' ? obj.code.trim() : '';
    if (!ICS_CODE_RE.test(code)) {
      ctx.log.error('ics.bad_code', `"${String(obj.code ?? '').slice(0, 40)}" is not an ICS code (NN, NN.NNN or NN.NNN.NN)`, loc, 'parse');
      counts.failed++;
      continue;
    }
    const where = { ...loc, record: `ICS ${code}` };
    if (seen.has(code)) {
      ctx.log.error('ics.duplicate', `ICS ${code} appears again; the first one is kept`, where, 'parse');
      counts.failed++;
      continue;
    }
    seen.add(code);
    const title = typeof obj.description === 'string' ? obj.description.trim() : '';
    if (!title) ctx.log.warn('ics.no_title', `ICS ${code} has no description`, where, 'parse');
    const parent = icsParent(code);
    if (parent && !seen.has(parent))
      ctx.log.warn('ics.parent_missing', `ICS ${code}: parent ${parent} is not listed before it`, where, 'parse');
    const notes = Array.isArray(obj.notes)
      ? obj.notes.map((n) => (n && typeof n === 'object' ? noteText(n as IcsNote) : null)).filter((n): n is string => !!n)
      : [];
    const entry: ClassificationCode = {
      scheme: 'ics',
      code,
      parent,
      level: icsLevel(code),
      titleEn: title || null,
      titleZh: null,
      notes,
      // The source lists codes in classification order; its line order is the display order.
      sort: done,
    };
    try {
      counts[await ctx.classifications.upsert(entry, { actor: ctx.actor })]++;
    } catch (e) {
      counts.failed++;
      ctx.log.error('ics.write_failed', `ICS ${code}: ${(e as Error).message}`, where, 'storage');
    }
  }
  if (!total) ctx.log.add({ id: 'ics.empty', severity: 'abort', category: 'source', message: 'the ICS file has no lines', location: { file: file.name } });
}

registerImporter({
  name: NAME,
  description: 'International Classification for Standards (ICS) codes with titles, notes and cross-references, as a tree',
  accepts: 'ics-ed7.jsonl (metanorma/iso-ics-codes JSON Lines), or a folder/archive holding ics*.jsonl (highest edition wins)',
  run: importIcs,
});
