import type { Kysely } from 'kysely';

/** editorial tables (filled in by the editorial domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
