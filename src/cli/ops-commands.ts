import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { FsBlobStore } from '../blobs/fs.js';
import { blobDirOf, openBlobStore } from '../blobs/open.js';
import { S3BlobStore } from '../blobs/s3.js';
import { isPostgresUrl } from '../db/postgres.js';
import { loadConfig, type Config } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import { backup, restore, type BackupTarget } from '../ops/backup.js';
import { migrateToPostgres } from '../ops/migrate-to-postgres.js';
import type { CliIo } from './program.js';

/**
 * The scale-out commands (src/ops): backup, restore, migrate-to-postgres. Exit codes as the rest of the CLI:
 * 0 ok; 1 a verification failed (the report says which check); 2 usage or configuration error.
 */

function say(io: CliIo, text = ''): void {
  io.stdout.write(`${text}\n`);
}

function configOf(io: CliIo, db?: string): Config {
  return loadConfig(io.env, db ? { STDHUB_DB: db } : {});
}

/** The deployment the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
function targetOf(config: Config): BackupTarget {
  const blobs = openBlobStore(config);
  return isPostgresUrl(config.DATABASE_URL) ? { kind: 'postgres', url: config.DATABASE_URL, blobs } : { kind: 'sqlite', path: resolve(config.STDHUB_DB), blobs };
}

function closeBlobs(t: BackupTarget): void {
  (t.blobs as { close?(): void }).close?.();
}

/** Thrown to end with exit code 1 after the report was printed. */
function failed(what: string, problems: string[]): Error {
  return new Error(`${what} failed: ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above)`);
}

/** Adds backup, restore and migrate-to-postgres to the program. */
export function registerOpsCommands(program: Command, io: CliIo): void {
  program
    .command('backup')
    .description('back up the site (SQLite: online backup; PostgreSQL: pg_dump) and its files into one tar file (.tar.gz compresses)')
    .argument('<file>', 'backup file to write, e.g. stdhub-2026-11-25.tar.gz')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB; DATABASE_URL selects PostgreSQL)')
    .action(async (file: string, o: { db?: string }) => {
      const target = targetOf(configOf(io, o.db));
      try {
        const m = await backup(target, resolve(file), new Date());
        const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
        say(io, `backup written: ${file}`);
        say(io, `  database: ${m.database.kind}, ${m.database.size} bytes, sha256 ${m.database.sha256}`);
        say(io, `  tables: ${Object.keys(m.tables).length}, rows: ${rows}`);
        say(io, `  blobs: ${m.blobs.length}, ${m.blobs.reduce((a, b) => a + b.size, 0)} bytes`);
      } finally {
        closeBlobs(target);
      }
    });

  program
    .command('restore')
    .description('restore a backup file into the configured site (stop the site first); verifies row counts and file checksums')
    .argument('<file>', 'backup file written by `stdhub backup`')
    .option('--force', 'overwrite a database or blob store that already holds data')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB; DATABASE_URL selects PostgreSQL)')
    .action(async (file: string, o: { force?: boolean; db?: string }) => {
      const target = targetOf(configOf(io, o.db));
      try {
        const r = await restore(target, resolve(file), { force: !!o.force });
        say(io, `restored ${file} (${r.manifest.database.kind}, made ${r.manifest.createdAt})`);
        say(io, `  tables: ${Object.keys(r.manifest.tables).length}  blobs: ${r.manifest.blobs.length}`);
        for (const p of r.problems) say(io, `  MISMATCH ${p}`);
        say(io, r.ok ? '  verification: ok' : '  verification: FAILED');
        if (!r.ok) throw failed('restore verification', r.problems);
      } finally {
        closeBlobs(target);
      }
    });

  program
    .command('migrate-to-postgres')
    .description('copy this SQLite site (database and files) to PostgreSQL and an object store, then verify counts and checksums')
    .requiredOption('--to <url>', 'target PostgreSQL database (a fresh, empty one): postgres://user@host:5432/db')
    .addOption(new Option('--blobs <kind>', 'where the files go: s3 (S3_* settings) or fs (--blob-dir)').choices(['s3', 'fs']).default('fs'))
    .option('--blob-dir <dir>', 'target folder with --blobs fs (default: the current blob folder; files stay, and are verified)')
    .option('--db <file>', 'SQLite database file to copy (env STDHUB_DB)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { to: string; blobs: 's3' | 'fs'; blobDir?: string; db?: string; json?: boolean }) => {
      if (!isPostgresUrl(o.to)) throw new AppError('invalid_input', '--to must be a postgres:// URL');
      const config = configOf(io, o.db);
      const sourceDir = blobDirOf(config);
      const sourceBlobs = new FsBlobStore(sourceDir);
      let targetBlobs: FsBlobStore | S3BlobStore | null = null;
      if (o.blobs === 's3') {
        const s3 = new S3BlobStore({ endpoint: config.S3_ENDPOINT, bucket: config.S3_BUCKET, region: config.S3_REGION, accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY });
        await s3.ensureBucket();
        targetBlobs = s3;
      } else if (o.blobDir && resolve(o.blobDir) !== sourceDir) {
        targetBlobs = new FsBlobStore(resolve(o.blobDir));
      }
      try {
        const r = await migrateToPostgres({
          sqlitePath: resolve(config.STDHUB_DB),
          pgUrl: o.to,
          sourceBlobs,
          targetBlobs,
          log: o.json ? undefined : (l) => io.stderr.write(`${l}\n`),
        });
        if (o.json) say(io, JSON.stringify(r, null, 2));
        else {
          const w = Math.max(...r.tables.map((t) => t.table.length));
          say(io, `${'table'.padEnd(w)}  ${'SQLite'.padStart(9)}  ${'PostgreSQL'.padStart(10)}  checksum`);
          for (const t of r.tables) say(io, `${t.table.padEnd(w)}  ${String(t.source.rows).padStart(9)}  ${String(t.target.rows).padStart(10)}  ${t.ok ? `ok ${t.target.sha256.slice(0, 16)}` : 'MISMATCH'}`);
          for (const s of r.skipped) say(io, `${s.table.padEnd(w)}  (${s.reason})`);
          say(io, `search index: ${r.search.indexed}/${r.search.standards} standards, clause index: ${r.search.clauseDocs}/${r.search.texts} texts`);
          say(io, `blobs: ${r.blobs.count} (${r.blobs.bytes} bytes) ${r.blobs.copied ? `copied to ${o.blobs === 's3' ? `s3 bucket ${config.S3_BUCKET}` : o.blobDir}` : `left in ${sourceDir}`}, sha256 re-read: ${r.blobs.problems.length ? 'MISMATCH' : 'ok'}`);
          for (const p of r.problems) say(io, `MISMATCH ${p}`);
          say(io, r.ok ? 'verification: ok — set DATABASE_URL (and BLOB_STORE / S3_*) to serve from PostgreSQL' : 'verification: FAILED');
        }
        if (!r.ok) throw failed('migrate-to-postgres verification', r.problems);
      } finally {
        if (targetBlobs instanceof S3BlobStore) targetBlobs.close();
      }
    });
}
