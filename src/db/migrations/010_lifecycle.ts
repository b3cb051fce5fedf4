import type { Kysely } from 'kysely';

/** lifecycle tables (filled in by the lifecycle domain). */
export async function up(_db: Kysely<any>): Promise<void> {}
