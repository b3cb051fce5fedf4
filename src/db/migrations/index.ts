import type { Migration } from 'kysely';
import * as m001 from './001_catalogue.js';
import * as m002 from './002_search.js';
import * as m003 from './003_content.js';
import * as m004 from './004_disclosure.js';
import * as m005 from './005_clause_search.js';
import * as m006 from './006_usage.js';
import * as m007 from './007_accounts.js';
import * as m008 from './008_editorial.js';
import * as m009 from './009_audit.js';
import * as m010 from './010_lifecycle.js';
import * as m011 from './011_bulletins.js';
import * as m012 from './012_alerts.js';
import * as m013 from './013_import_heartbeat.js';

/**
 * Migrations in order, provided in code (not read from a folder) so the compiled build and the tests use the same
 * list. Later migrations (search index, content, …) are appended by the domain that needs them.
 */
export const migrations: Record<string, Migration> = {
  '001_catalogue': m001,
  '002_search': m002,
  '003_content': m003,
  '004_disclosure': m004,
  '005_clause_search': m005,
  '006_usage': m006,
  '007_accounts': m007,
  '008_editorial': m008,
  '009_audit': m009,
  '010_lifecycle': m010,
  '011_bulletins': m011,
  '012_alerts': m012,
  '013_import_heartbeat': m013,
};
