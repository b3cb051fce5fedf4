import type { Kysely } from 'kysely';

/** ops tables (filled in by the ops domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
