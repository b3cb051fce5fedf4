import type { Migration } from 'kysely';
import * as m001 from './001_catalogue.js';
import * as m002 from './002_search.js';
import * as m003 from './003_content.js';
import * as m004 from './004_disclosure.js';
import * as m005 from './005_clause_search.js';
import * as m006 from './006_usage.js';

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
};
