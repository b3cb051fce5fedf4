import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import { FakeClock } from '../kernel/clock.js';
import { PG_AVAILABLE, tempPgKysely } from '../testing/pg.js';
import { createPgSearch, pgSearchIndexKind, PgIndexer } from './adapters/pg.js';
import { catalogueSearchContract } from './search.case.js';

/**
 * The CatalogueSearch contract on PostgreSQL, twice: ranked the way the migration's index allows (rum's distance
 * where postgresql-15-rum is installed, as in CI) and with ts_rank (what a server without rum gets, over GIN).
 */
describe.skipIf(!PG_AVAILABLE)('PostgreSQL (127.0.0.1:5432)', () => {
  const make = (index?: 'rum' | 'gin') => async () => {
    const t = await tempPgKysely();
    const catalogue = new KyselyCatalogueStore(t.db, new FakeClock(new Date('2026-11-25T00:00:00Z')), [new PgIndexer()]);
    const search = await createPgSearch(t.db, index ? { index } : {});
    return { catalogue, search, close: () => t.close() };
  };
  catalogueSearchContract('PostgreSQL tsvector (index chosen by the migration)', make());
  catalogueSearchContract('PostgreSQL tsvector (ts_rank, as over GIN)', make('gin'));

  it('records which full-text index the migration made, and made it', async () => {
    const t = await tempPgKysely();
    try {
      const kind = await pgSearchIndexKind(t.db);
      const rum = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_extension WHERE extname = 'rum'`.execute(t.db);
      expect(kind).toBe(Number(rum.rows[0].n) ? 'rum' : 'gin');
      const idx = await sql<{ def: string }>`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'search_doc_tsv'`.execute(t.db);
      expect(idx.rows[0].def).toContain(kind === 'rum' ? 'USING rum' : 'USING gin');
    } finally {
      await t.close();
    }
  });
});
