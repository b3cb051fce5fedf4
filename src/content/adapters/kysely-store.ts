import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { blocksText, inlineText, walkSections, type ContentDocument, type Section } from '../model.js';
import type { ContentIndexer, ContentStore, ContentSummary, StoredSection } from '../ports.js';

/** Bound parameters per multi-row INSERT stay well below SQLite's limit (32,766). */
const SECTION_CHUNK = 500;

/**
 * The flat section rows of a document, in document order (front, body, back; depth first). `text` is the
 * section's own text (its blocks, not its children's), so a search hit points at the deepest matching clause.
 */
export function flattenSections(doc: ContentDocument): StoredSection[] {
  const out: StoredSection[] = [];
  let ord = 0;
  for (const { section, parent, depth } of walkSections(doc)) {
    out.push({
      anchor: section.id,
      parent,
      num: section.num ?? null,
      title: inlineText(section.title),
      kind: section.kind,
      depth,
      ord: ord++,
      text: blocksText(section.blocks),
    });
  }
  return out;
}

/** What the event log keeps of a text: a summary, never the text itself. */
interface DocSummaryJson {
  edition: string;
  lang: string;
  title: string;
  format: string;
  sourceRef: string;
  sourceHash: string;
  parser: string | null;
  sections: number;
  bytes: number;
}

/**
 * The content store on Kysely (dialect-neutral SQL). put() writes the document row, its flat sections and its
 * source bytes, runs the indexers and records a 'content.created' / 'content.updated' event, all in one
 * transaction; re-putting the same source that parses to the same tree is 'unchanged' and writes nothing.
 */
export class KyselyContentStore implements ContentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly indexers: ContentIndexer[] = [],
  ) {}

  async put(doc: ContentDocument, source: Buffer, ctx: { actor: string }): Promise<'created' | 'updated' | 'unchanged'> {
    const tree = JSON.stringify(doc);
    const treeHash = createHash('sha256').update(tree).digest('hex');
    const sections = flattenSections(doc);
    const anchors = new Set<string>();
    for (const s of sections) {
      if (anchors.has(s.anchor)) throw new Error(`${doc.stdId}: duplicate section anchor "${s.anchor}"`);
      anchors.add(s.anchor);
    }
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('content_doc')
        .select(['id', 'edition', 'lang', 'title', 'format', 'source_ref', 'source_hash', 'parser', 'tree_hash', 'sections'])
        .where('std_id', '=', doc.stdId)
        .where('edition', '=', doc.edition)
        .where('lang', '=', doc.lang)
        .executeTakeFirst();
      // Idempotence: the same bytes parsed to the same tree (a parser upgrade that changes nothing writes nothing).
      if (existing && existing.source_hash === doc.source.sha256 && existing.tree_hash === treeHash) return 'unchanged';
      const now = this.clock.now().toISOString();
      const row = {
        std_id: doc.stdId,
        edition: doc.edition,
        lang: doc.lang,
        format: doc.source.format,
        media_type: doc.source.mediaType,
        source_ref: doc.source.ref,
        source_hash: doc.source.sha256,
        parser: doc.source.parser ?? null,
        tree_hash: treeHash,
        title: doc.title,
        tree,
        sections: sections.length,
        updated_at: now,
      };
      let docId: number;
      let oldBytes = 0;
      if (existing) {
        docId = existing.id;
        const old = await tx
          .selectFrom('content_source')
          .select(sql<number>`length(bytes)`.as('n'))
          .where('doc_id', '=', docId)
          .executeTakeFirst();
        oldBytes = Number(old?.n ?? 0);
        for (const ix of this.indexers) await ix.remove(tx, docId);
        await tx.updateTable('content_doc').set(row).where('id', '=', docId).execute();
        await tx.deleteFrom('content_section').where('doc_id', '=', docId).execute();
        await tx.deleteFrom('content_source').where('doc_id', '=', docId).execute();
      } else {
        const ins = await tx
          .insertInto('content_doc')
          .values({ ...row, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        docId = Number(ins.id);
      }
      for (let i = 0; i < sections.length; i += SECTION_CHUNK) {
        await tx
          .insertInto('content_section')
          .values(sections.slice(i, i + SECTION_CHUNK).map((s) => ({ doc_id: docId, ...s })))
          .execute();
      }
      await tx.insertInto('content_source').values({ doc_id: docId, bytes: source }).execute();
      for (const ix of this.indexers) await ix.index(tx, docId, doc, sections);
      const after: DocSummaryJson = {
        edition: doc.edition,
        lang: doc.lang,
        title: doc.title,
        format: doc.source.format,
        sourceRef: doc.source.ref,
        sourceHash: doc.source.sha256,
        parser: doc.source.parser ?? null,
        sections: sections.length,
        bytes: source.length,
      };
      const before: DocSummaryJson | null = existing
        ? {
            edition: existing.edition,
            lang: existing.lang,
            title: existing.title,
            format: existing.format,
            sourceRef: existing.source_ref,
            sourceHash: existing.source_hash,
            parser: existing.parser,
            sections: existing.sections,
            bytes: oldBytes,
          }
        : null;
      await tx
        .insertInto('event')
        .values({
          at: now,
          actor: ctx.actor,
          verb: existing ? 'content.updated' : 'content.created',
          object_type: 'content',
          object_id: doc.stdId,
          before: before ? JSON.stringify(before) : null,
          after: JSON.stringify(after),
        })
        .execute();
      return existing ? 'updated' : 'created';
    });
  }

  /**
   * Deletes the texts of a standard (one language, or all), with their sections, source and index entries;
   * records a 'content.deleted' event per text. Returns how many texts were deleted.
   */
  async remove(stdId: string, ctx: { actor: string }, opts: { lang?: string; edition?: string } = {}): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      let q = tx.selectFrom('content_doc').select(['id', 'edition', 'lang', 'title', 'source_hash', 'sections']).where('std_id', '=', stdId);
      if (opts.lang) q = q.where('lang', '=', opts.lang);
      if (opts.edition) q = q.where('edition', '=', opts.edition);
      const rows = await q.execute();
      const now = this.clock.now().toISOString();
      for (const r of rows) {
        for (const ix of this.indexers) await ix.remove(tx, r.id);
        await tx.deleteFrom('content_section').where('doc_id', '=', r.id).execute();
        await tx.deleteFrom('content_source').where('doc_id', '=', r.id).execute();
        await tx.deleteFrom('content_doc').where('id', '=', r.id).execute();
        await tx
          .insertInto('event')
          .values({
            at: now,
            actor: ctx.actor,
            verb: 'content.deleted',
            object_type: 'content',
            object_id: stdId,
            before: JSON.stringify({ edition: r.edition, lang: r.lang, title: r.title, sourceHash: r.source_hash, sections: r.sections }),
            after: null,
          })
          .execute();
      }
      return rows.length;
    });
  }

  async list(stdId: string): Promise<ContentSummary[]> {
    const rows = await this.db
      .selectFrom('content_doc')
      .select(['id', 'std_id', 'edition', 'lang', 'title', 'format', 'source_ref', 'source_hash', 'sections', 'updated_at'])
      .where('std_id', '=', stdId)
      .orderBy('lang')
      .orderBy('edition')
      .execute();
    return rows.map(summaryOf);
  }

  async get(stdId: string, lang?: string): Promise<ContentDocument | null> {
    const id = await this.pick(stdId, lang);
    if (id === null) return null;
    const row = await this.db.selectFrom('content_doc').select('tree').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.tree) as ContentDocument) : null;
  }

  async section(stdId: string, anchor: string, lang?: string): Promise<{ doc: ContentSummary; section: Section } | null> {
    const id = await this.pick(stdId, lang);
    if (id === null) return null;
    // The flat table answers "does it exist" without parsing a tree that may be megabytes long.
    const hit = await this.db
      .selectFrom('content_section')
      .select('anchor')
      .where('doc_id', '=', id)
      .where('anchor', '=', anchor)
      .executeTakeFirst();
    if (!hit) return null;
    const row = await this.db
      .selectFrom('content_doc')
      .select(['id', 'std_id', 'edition', 'lang', 'title', 'format', 'source_ref', 'source_hash', 'sections', 'updated_at', 'tree'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const doc = JSON.parse(row.tree) as ContentDocument;
    for (const { section } of walkSections(doc)) if (section.id === anchor) return { doc: summaryOf(row), section };
    return null;
  }

  async source(stdId: string, lang?: string): Promise<{ bytes: Buffer; mediaType: string; name: string } | null> {
    const id = await this.pick(stdId, lang);
    if (id === null) return null;
    const row = await this.db
      .selectFrom('content_doc')
      .innerJoin('content_source', 'content_source.doc_id', 'content_doc.id')
      .select(['content_source.bytes', 'content_doc.media_type', 'content_doc.source_ref'])
      .where('content_doc.id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    return { bytes: Buffer.from(row.bytes), mediaType: row.media_type, name: posix.basename(row.source_ref.replace(/\\/g, '/').replace(/#.*$/, '')) };
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('content_doc').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The document to show: the requested language, else zh, else en, else the first stored; newest edition first. */
  private async pick(stdId: string, lang?: string): Promise<number | null> {
    const rows = await this.db
      .selectFrom('content_doc')
      .select(['id', 'lang', 'updated_at'])
      .where('std_id', '=', stdId)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    if (!rows.length) return null;
    if (lang) return rows.find((r) => r.lang === lang)?.id ?? null;
    return (rows.find((r) => r.lang === 'zh') ?? rows.find((r) => r.lang === 'en') ?? rows[0]).id;
  }
}

function summaryOf(r: {
  id: number;
  std_id: string;
  edition: string;
  lang: string;
  title: string;
  format: string;
  source_ref: string;
  source_hash: string;
  sections: number;
  updated_at: string;
}): ContentSummary {
  return {
    docId: r.id,
    stdId: r.std_id,
    edition: r.edition,
    lang: r.lang,
    title: r.title,
    format: r.format,
    sourceRef: r.source_ref,
    sourceHash: r.source_hash,
    sections: r.sections,
    updatedAt: r.updated_at,
  };
}
