import type { Kysely } from 'kysely';

/** alerts tables (filled in by the alerts domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
