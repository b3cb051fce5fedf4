/**
 * The `sts` importer: NISO STS 1.2 and ISO STS XML documents → catalogue records (every standard a file
 * describes: the document itself and, for adoptions, the documents it adopts) and the document's full text.
 *
 * Safety: XML is read by xml/safe-sax.ts (no external entities or DTDs, entity/depth/size limits). Plain files
 * and folders are streamed, so an oversized or hostile file is refused after at most the limit has been read;
 * archive members come through importers/sources.ts (capped at 64 MB each). A file is parsed and converted
 * completely before anything is written, so a file that fails (malformed, truncated, hostile, over a limit)
 * writes nothing.
 *
 * Transactions: CatalogueStore.upsert and ContentStore.put each run in their own transaction (with their
 * events); the ports offer no shared transaction, so a document is written as record(s) first, then its text.
 * If the text fails after its record was written, that is reported ('sts.content_write_failed', counted as
 * failed) and a re-run completes it: both writes are idempotent ('unchanged' when nothing differs).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { UpsertOutcome } from '../catalogue/ports.js';
import { registerImporter } from './registry.js';
import { SourceError, readSource } from './sources.js';
import { parseSts, parseStsStream, type StsParseResult } from './sts-parse.js';
import type { ImportContext } from './types.js';

const XML_FILE = /\.xml$/i;
const ARCHIVE = /\.(tar|tgz|tar\.gz|tar\.xz|txz)$/i;

interface Input {
  name: string;
  /** A file on disk (streamed) … */
  path?: string;
  /** … or bytes already read (archive members). */
  data?: Buffer;
}

async function* inputs(source: string): AsyncGenerator<Input> {
  let st;
  try {
    st = await fs.stat(source);
  } catch (e) {
    throw new SourceError(`cannot read ${source}: ${(e as Error).message}`, source);
  }
  if (st.isDirectory()) {
    for await (const p of walk(source)) yield { name: relative(source, p), path: p };
  } else if (ARCHIVE.test(source)) {
    for await (const f of readSource(source, (n) => XML_FILE.test(n))) yield { name: f.name, data: f.data };
  } else {
    yield { name: basename(source), path: source };
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && XML_FILE.test(e.name)) yield p;
  }
}

/** Runs the importer over a file, a folder of .xml files or an archive of them. */
export async function importSts(source: string, ctx: ImportContext): Promise<void> {
  const counts = ctx.log.counts;
  let files = 0;
  let warnedNoContent = false;
  for await (const input of inputs(source)) {
    files++;
    const file = input.name;
    let result: StsParseResult;
    let bytes: Buffer;
    if (input.path) {
      const r = await parseStsStream(createReadStream(input.path, { highWaterMark: 256 * 1024 }), { file });
      result = r;
      bytes = r.bytes;
    } else {
      bytes = input.data!;
      result = parseSts(bytes, { file });
    }
    for (const d of result.diagnostics) ctx.log.add(d);
    if (result.failed) {
      counts.seen++;
      counts.failed++;
      ctx.progress(files);
      continue;
    }
    if (!result.records.length) {
      // The reason (no identifier, …) is already in the diagnostics.
      counts.seen++;
      counts.skipped++;
      ctx.progress(files);
      continue;
    }
    for (const record of result.records) {
      counts.seen++;
      const where = { file, record: record.id };
      let outcome: UpsertOutcome;
      try {
        outcome = await ctx.catalogue.upsert(record, { actor: ctx.actor });
      } catch (e) {
        counts.failed++;
        ctx.log.error('sts.write_failed', `${record.identifiers[0].value}: ${(e as Error).message}`, where, 'storage');
        continue;
      }
      const doc = result.docs.find((d) => d.stdId === record.id);
      if (doc && !ctx.content) {
        if (!warnedNoContent)
          ctx.log.warn('sts.no_content_store', 'this run has no content store: catalogue records are imported, texts are not', { file }, 'storage');
        warnedNoContent = true;
      } else if (doc && ctx.content) {
        try {
          const c = await ctx.content.put(doc, bytes, { actor: ctx.actor });
          if (outcome === 'unchanged' && c !== 'unchanged') outcome = 'updated';
        } catch (e) {
          counts.failed++;
          ctx.log.error(
            'sts.content_write_failed',
            `${record.identifiers[0].value}: the catalogue record was written (${outcome}) but its text was not: ${(e as Error).message}`,
            where,
            'storage',
          );
          continue;
        }
      }
      counts[outcome]++;
    }
    ctx.progress(files);
  }
  if (files === 0)
    ctx.log.add({ id: 'sts.no_files', severity: 'abort', category: 'source', message: 'no .xml files in the source', location: { file: source } });
}

registerImporter({
  name: 'sts',
  description: 'NISO STS 1.2 / ISO STS XML: catalogue records (with adoptions) and full text; safe XML (no external entities, size limits)',
  accepts: 'an .xml file, a folder of .xml files, or a .tar/.tar.gz/.tar.xz archive of them',
  run: importSts,
});
