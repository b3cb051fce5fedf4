import type { Kysely } from 'kysely';

/** bulletins tables (filled in by the bulletins domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
