import type { Kysely } from 'kysely';

/** audit tables (filled in by the audit domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
