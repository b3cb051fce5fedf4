import type { Kysely } from 'kysely';

/** accounts tables (filled in by the accounts domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
