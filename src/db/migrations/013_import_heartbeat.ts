import type { Kysely } from 'kysely';

/**
 * Bulk imports started from the web UI record a heartbeat while they run, so that with several app instances a
 * starting instance marks as interrupted only runs whose process is gone (stale heartbeat), not the runs another
 * live instance is still working on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('editorial_import').addColumn('heartbeat_at', 'text').execute();
}
