import type { Diagnostic } from '../kernel/diagnostics.js';
import { RecordBatcher } from './batch.js';
import { readRelatonXml } from './gb-relaton.js';
import { bibToRecord, isObj, own, primaryKeyOf, text, type Obj } from './relaton-map.js';
import { readYaml } from './relaton-yaml.js';
import { registerImporter } from './registry.js';
import { decodeText, readSource, SourceError } from './sources.js';
import type { ImportContext, Importer } from './types.js';

/**
 * Importer 'relaton': Relaton bibliographic items as YAML (one item per file, or a list / `items:` collection)
 * or XML (<bibdata>, <bibitem>, <relaton-collection>), from a file, a folder or a tar(.gz|.xz) archive.
 *
 * Two passes, because the ISO set holds ~9,600 stale duplicates (`iso-680:1990.yaml` beside `iso-680-1990.yaml`,
 * written by an older schema) that can only be told apart once every file has been seen: pass 1 keeps, per
 * primary identifier, only the name of the best file (newest schema-version, then the name without ':'); pass 2
 * parses and writes the chosen items and counts the rest as skipped. Writes go through RecordBatcher: each record
 * is atomic (its own savepoint), commits are shared by a batch.
 */

const NAME_RE = /\.(ya?ml|xml)$/i;
/** No single Relaton document is anywhere near this; larger input is refused before parsing. */
const MAX_DOC_BYTES = 8 * 1024 * 1024;
const PROGRESS_EVERY = 200;

export interface RelatonImportOptions {
  /** Extra selection of file names (relative to the source root), applied before anything is read. */
  filter?: (name: string) => boolean;
  /** Read only the first N matching files (tests import a slice of a large archive). */
  limit?: number;
}

interface Item {
  bib: unknown;
  /** 'file#index' for collections, 'file' for single-item files. */
  ref: string;
}

type Parsed = { ok: true; items: Item[] } | { ok: false; diagnostic: Diagnostic };

interface Best {
  ref: string;
  rank: number[];
}

/** Sortable rank of an item: schema-version numbers, then 1 for names without ':' (the stale copies have one). */
function rankOf(schema: string | undefined, name: string): number[] {
  const nums = (schema ?? '').match(/\d+/g)?.slice(0, 4).map(Number) ?? [];
  while (nums.length < 4) nums.push(-1);
  return [...nums, name.includes(':') ? 0 : 1];
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

function selector(opts: RelatonImportOptions): (name: string) => boolean {
  let n = 0;
  return (name) => {
    if (!NAME_RE.test(name) || /(^|\/)\._/.test(name)) return false;
    if (opts.filter && !opts.filter(name)) return false;
    if (opts.limit !== undefined && n >= opts.limit) return false;
    n++;
    return true;
  };
}

/** Decodes and parses one file into bibitems; problems come back as a diagnostic with line:col. */
export function parseRelatonFile(name: string, data: Buffer): Parsed {
  const fail = (id: string, message: string, line?: number, col?: number): Parsed => ({
    ok: false,
    diagnostic: { id, severity: 'serious', category: 'parse', message, location: { file: name, ...(line ? { line } : {}), ...(col ? { col } : {}) } },
  });
  if (data.length > MAX_DOC_BYTES) return fail('relaton.too_large', `file is larger than ${MAX_DOC_BYTES} bytes: not read`);
  const { text: src } = decodeText(data);
  if (/\.xml$/i.test(name)) {
    const x = readRelatonXml(src);
    if (!x.ok) return fail('relaton.xml_parse', x.message, x.line, x.col);
    return { ok: true, items: x.items.map((bib, i) => ({ bib, ref: x.items.length > 1 ? `${name}#${i}` : name })) };
  }
  const y = readYaml(src);
  if (!y.ok) return fail('relaton.yaml_parse', y.problem.message, y.problem.line, y.problem.col);
  const v = y.value;
  // relaton-cli writes collections as `root: { items: [...] }` or `items: [...]`; a bare list works too.
  const coll = isObj(v) && isObj(v.root) && Array.isArray(v.root.items) ? v.root.items : isObj(v) && Array.isArray(v.items) && !v.docid ? v.items : undefined;
  const bibs = Array.isArray(v) ? v : coll ?? [v];
  if (!bibs.length || v === null) return fail('relaton.empty', 'file holds no bibitem');
  return { ok: true, items: bibs.map((bib, i) => ({ bib, ref: bibs.length > 1 ? `${name}#${i}` : name })) };
}

const QUICK_VALUE = /^(?:'([^']*)'|"([^"\\]*)"|([^'"\s#][^#]*?))\s*$/;

/**
 * Pass 1 reads only the primary identifier and schema version of single-item YAML files, without a YAML parse:
 * the top-level `docid:` block of simple `key: value` lines. Anything else (flow style, multi-line values, other
 * layouts) returns null and the file is parsed fully, so the key always agrees with pass 2.
 */
export function quickScan(src: string): { bib: Obj; schema?: string } | null {
  // Collections (a top-level list, or items:/root:) are left to the full parse.
  if (/^(?:---[ \t]*\r?\n)?(?:#.*\r?\n|[ \t]*\r?\n)*- /.test(src) || /^(?:items|root):/m.test(src)) return null;
  const start = /^docid:[ ]*\r?\n/m.exec(src);
  if (!start) return null;
  const items: Obj[] = [];
  let cur: Obj | undefined;
  let itemIndent = -1;
  // Walk lines only as far as the block goes (not the whole file).
  for (let pos = start.index + start[0].length; pos < src.length; ) {
    let end = src.indexOf('\n', pos);
    if (end < 0) end = src.length;
    const line = src.slice(pos, src[end - 1] === '\r' ? end - 1 : end);
    pos = end + 1;
    if (line.trim() === '') continue;
    if (/^\s*#/.test(line)) return null;
    if (!/^[ -]/.test(line)) break; // next top-level key
    const m = /^( *)(- +)?([A-Za-z_-]+): *(.*)$/.exec(line);
    if (!m) return null;
    const indent = m[1].length;
    if (m[2]) {
      if (itemIndent === -1) itemIndent = indent;
      if (indent !== itemIndent) return null;
      cur = {};
      items.push(cur);
    } else if (!cur) {
      cur = {};
      items.push(cur);
    }
    const vm = QUICK_VALUE.exec(m[4]);
    if (!vm || m[4] === '') return null;
    cur[m[3]] = vm[1] ?? vm[2] ?? (/^(true|True|TRUE)$/.test(vm[3]) ? true : vm[3]);
  }
  if (!items.length) return null;
  const sv = /^schema[-_]version: *['"]?([^'"\s]+)/m.exec(src);
  return { bib: { docid: items }, schema: sv?.[1] };
}

/** Runs the import (the registered importer calls this with default options). */
export async function importRelaton(source: string, ctx: ImportContext, opts: RelatonImportOptions = {}): Promise<void> {
  const { log } = ctx;
  // Pass 1: primary identifier → best item.
  const best = new Map<string, Best>();
  /** Single-item files → their key, so pass 2 can skip a stale duplicate without parsing it again. */
  const keyOfFile = new Map<string, string>();
  let files = 0;
  let pass1Error: unknown;
  const consider = (key: string | null, ref: string, schema: string | undefined, name: string) => {
    if (key === null) return;
    const rank = rankOf(schema, name);
    ref = own(ref);
    const prev = best.get(key);
    if (!prev || better(rank, prev.rank)) best.set(key, { ref, rank });
  };
  try {
    for await (const f of readSource(source, selector(opts))) {
      files++;
      if (files % (PROGRESS_EVERY * 5) === 0) ctx.progress(files);
      if (!/\.xml$/i.test(f.name) && f.data.length <= MAX_DOC_BYTES) {
        const q = quickScan(decodeText(f.data).text);
        if (q) {
          const key = primaryKeyOf(q.bib);
          consider(key, f.name, q.schema, f.name);
          if (key !== null) keyOfFile.set(f.name, key);
          continue;
        }
      }
      const p = parseRelatonFile(f.name, f.data);
      if (!p.ok) continue; // reported in pass 2
      for (const it of p.items) {
        const key = primaryKeyOf(it.bib);
        consider(key, it.ref, isObj(it.bib) ? text(it.bib['schema-version'] ?? it.bib.schema_version) : undefined, f.name);
        if (key !== null && p.items.length === 1) keyOfFile.set(f.name, key);
      }
    }
  } catch (e) {
    // A truncated archive: import what could be read; pass 2 meets the same end and reports it.
    if (!(e instanceof SourceError)) throw e;
    pass1Error = e;
  }
  if (files === 0 && !pass1Error) {
    log.error('relaton.no_files', 'no .yaml, .yml or .xml files in the source', { file: source }, 'source');
    return;
  }

  // Pass 2: parse and write the chosen items (batched commits; each record is still atomic, see batch.ts).
  const total = best.size;
  const ids = new Map<string, string>();
  const batch = new RecordBatcher(ctx, 'relaton');
  let done = 0;
  try {
    for await (const f of readSource(source, selector(opts))) {
      const known = keyOfFile.get(f.name);
      const winner = known === undefined ? undefined : best.get(known);
      if (winner && winner.ref !== f.name) {
        skipDuplicate(ctx, f.name, known!, winner.ref);
        continue;
      }
      const p = parseRelatonFile(f.name, f.data);
      if (!p.ok) {
        log.counts.seen++;
        log.counts.failed++;
        log.add(p.diagnostic);
        continue;
      }
      for (const it of p.items) {
        const key = primaryKeyOf(it.bib);
        const chosen = key === null ? undefined : best.get(key);
        if (chosen && chosen.ref !== it.ref) {
          skipDuplicate(ctx, it.ref, key!, chosen.ref);
          continue;
        }
        log.counts.seen++;
        await writeItem(it, ctx, ids, batch);
        done++;
        if (done % PROGRESS_EVERY === 0 || done === total) ctx.progress(done, total);
      }
    }
  } finally {
    // Records read before a truncation point are kept: the open batch is written before the error goes up.
    await batch.flush();
  }
  if (pass1Error) throw pass1Error;
}

function skipDuplicate(ctx: ImportContext, ref: string, key: string, kept: string): void {
  ctx.log.counts.seen++;
  ctx.log.counts.skipped++;
  ctx.log.info('relaton.duplicate', `stale duplicate of ${kept} (same primary identifier): skipped`, { file: ref, record: key }, 'dedup');
}

async function writeItem(it: Item, ctx: ImportContext, ids: Map<string, string>, batch: RecordBatcher): Promise<void> {
  const { log } = ctx;
  let result;
  try {
    result = bibToRecord(it.bib, it.ref);
  } catch (e) {
    log.counts.failed++;
    log.error('relaton.map_crashed', `mapping failed: ${(e as Error).message}`, { file: it.ref });
    return;
  }
  const { record, issues } = result;
  // Diagnostics outlive the file: own() keeps them from pinning its text in memory.
  const where = { file: it.ref, ...(record ? { record: own(record.identifiers[0].value) } : {}) };
  for (const i of issues) log.add({ id: i.id, severity: i.severity, category: 'relaton', message: own(i.message), location: where });
  if (!record) {
    log.counts.failed++;
    return;
  }
  const primary = record.identifiers[0].value;
  const owner = ids.get(record.id);
  if (owner !== undefined && owner !== primary) {
    log.counts.failed++;
    log.error('relaton.duplicate_id', `id "${record.id}" is already used by ${owner} in this import: not imported`, where);
    return;
  }
  ids.set(record.id, primary);
  await batch.add(record, where);
}

export const relatonImporter: Importer = {
  name: 'relaton',
  description: 'Relaton bibliographic items (YAML or XML: ISO, IEC, GB and other relaton-data sets), deduplicated by primary identifier',
  accepts: '*.yaml / *.yml / *.xml file, a folder of them, or a .tar / .tar.gz / .tar.xz archive',
  run: (source, ctx) => importRelaton(source, ctx),
};

registerImporter(relatonImporter);
