import { FakeClock } from '../../kernel/clock.js';
import { tempSqliteKysely } from '../../testing/sqlite.js';
import { catalogueStoreContract, kyselyStoreHarness } from '../store.case.js';
import { KyselyCatalogueStore } from './kysely-store.js';

catalogueStoreContract('SQLite (Kysely)', async () => {
  const t = await tempSqliteKysely('stdhub-store-');
  return kyselyStoreHarness(new KyselyCatalogueStore(t.db, new FakeClock(new Date('2026-11-25T00:00:00Z'))), t);
});
