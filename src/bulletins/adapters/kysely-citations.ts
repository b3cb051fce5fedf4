import type { Kysely } from 'kysely';
import type { CatalogueStore } from '../../catalogue/ports.js';
import type { Database } from '../../db/schema.js';
import type { Citation, CitationSource } from '../impact.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Citations from the catalogue's relation table and from stored texts' normative-references sections. A dated
 * reference counts for the edition it names; an undated one ('GB/T 1.1') counts for the family — in standards
 * practice an undated normative reference applies to the latest edition.
 */
export class KyselyCitationSource implements CitationSource {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly catalogue: Pick<CatalogueStore, 'summaries'>,
  ) {}

  async citing(stdId: string, limit: number): Promise<Citation[]> {
    const me = await this.db.selectFrom('standard').select(['number', 'family', 'year']).where('id', '=', stdId).executeTakeFirst();
    if (!me) return [];
    const norms = (await this.db.selectFrom('identifier').select('norm').where('std_id', '=', stdId).execute()).map((r) => r.norm);
    const keys = [...new Set([...norms, me.family])];
    const rel = await this.db
      .selectFrom('relation')
      .select(['std_id', 'target'])
      .where('type', '=', 'cites')
      .where('target_norm', 'in', keys)
      .where('std_id', '!=', stdId)
      .limit(limit)
      .execute();
    const found = new Map<string, { via: Citation['via']; ref: string }>();
    for (const r of rel) if (!found.has(r.std_id)) found.set(r.std_id, { via: 'relation', ref: r.target });

    // Stored texts: the family as printed inside a normative-references section, then checked precisely in JS
    // (LIKE wildcards in a number only widen the candidates; 'GB/T 1.1' must not match 'GB/T 1.10'; a dated
    // reference must name this edition's year).
    const family = familyAsPrinted(me.number, me.family);
    if (found.size < limit && family) {
      const rows = await this.db
        .selectFrom('content_section')
        .innerJoin('content_doc', 'content_doc.id', 'content_section.doc_id')
        .select(['content_doc.std_id', 'content_section.text'])
        .where('content_section.kind', '=', 'normative-references')
        .where('content_doc.std_id', '!=', stdId)
        .where('content_section.text', 'like', `%${family}%`)
        .limit(limit * 2)
        .execute();
      const re = new RegExp(`${escapeRegExp(family)}(?![\\d.])(?:\\s*[-:—]\\s*(\\d{4}))?`, 'gi');
      for (const r of rows) {
        if (found.has(r.std_id)) continue;
        for (const m of r.text.matchAll(re)) {
          const year = m[1] ? Number(m[1]) : null;
          if (year === null || year === me.year) {
            found.set(r.std_id, { via: 'text', ref: m[0].trim() });
            break;
          }
        }
        if (found.size >= limit) break;
      }
    }
    const sums = await this.catalogue.summaries([...found.keys()]);
    return sums
      .map((s) => ({ id: s.id, number: s.number, status: s.status, titles: s.titles, via: found.get(s.id)!.via, ref: found.get(s.id)!.ref }))
      .sort((a, b) => a.number.localeCompare(b.number));
  }
}

/** The number without its edition year as printed ('GB/T 1.1-2020' → 'GB/T 1.1'), else the family key. */
function familyAsPrinted(number: string, family: string): string {
  const m = /^(.*?)(?:\s*[-:]\s*\d{4})$/.exec(number);
  return (m ? m[1] : family).trim();
}
