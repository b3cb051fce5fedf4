import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import tar from 'tar-stream';
import type { BlobStore } from '../blobs/ports.js';
import { hashingStream } from '../blobs/fs.js';
import { listBlobs, verifyBlobs, type BlobSum } from './blob-copy.js';
import { quoteIdent } from './tables-copy.js';

/**
 * `stdhub backup` / `stdhub restore`: one tar file (gzip when the name ends in .gz/.tgz) holding
 *   manifest.json        what is inside: database kind, the database file's size and sha256, per-table row counts,
 *                        every blob's key, size and sha256
 *   database.sqlite      SQLite: a consistent copy made with SQLite's online backup API (the site keeps running)
 *   database.pgdump      PostgreSQL: pg_dump custom format, taken in the same snapshot as the row counts
 *   blobs/<key>          every blob of the blob store, streamed
 * Restore refuses a target that holds data unless forced, and verifies the database file's sha256, the row counts
 * and every blob's sha256 after writing.
 */
export interface BackupManifest {
  format: 'stdhub-backup';
  version: 1;
  createdAt: string;
  database: { kind: 'sqlite' | 'postgres'; file: string; size: number; sha256: string };
  tables: Record<string, number>;
  blobs: (BlobSum & { contentType?: string })[];
}

/** Where the deployment lives: one of the two databases, and its blob store. */
export type BackupTarget = { kind: 'sqlite'; path: string; blobs: BlobStore } | { kind: 'postgres'; url: string; blobs: BlobStore };

const gz = (file: string) => /\.(t?gz)$/i.test(file);

async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const h = hashingStream();
  await pipeline(createReadStream(file), h, new PassThrough().resume());
  return h.digest();
}

/** Row counts of the ordinary tables of an SQLite file (FTS shadow and virtual tables left out: derived). */
export function sqliteCounts(path: string): Record<string, number> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
    const out: Record<string, number> = {};
    const virtual = tables.filter((t) => /^\s*CREATE\s+VIRTUAL/i.test(t.sql)).map((t) => t.name);
    for (const t of tables) {
      if (virtual.includes(t.name) || virtual.some((v) => t.name.startsWith(`${v}_`))) continue;
      out[t.name] = (db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(t.name)}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

async function pgCounts(client: pg.Client): Promise<Record<string, number>> {
  const t = await client.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const out: Record<string, number> = {};
  for (const { name } of t.rows) out[name] = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(name)}`)).rows[0]!.n);
  return out;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    p.once('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${err.trim()}`))));
  });
}

/** Writes one tar entry from a file or stream of known size. */
async function entry(pack: tar.Pack, name: string, size: number, body: Readable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const w = pack.entry({ name, size, mode: 0o644 }, (e) => (e ? reject(e) : resolve()));
    pipeline(body, w as unknown as Writable).catch(reject);
  });
}

/** Creates a backup file of a deployment (its database and blob store); returns the manifest written. */
export async function backup(target: BackupTarget, file: string, now: Date): Promise<BackupManifest> {
  const tmp = await mkdtemp(join(tmpdir(), 'stdhub-backup-'));
  try {
    let dbFile: string;
    let tables: Record<string, number>;
    if (target.kind === 'sqlite') {
      if (!existsSync(target.path)) throw new Error(`no database at ${target.path}`);
      dbFile = join(tmp, 'database.sqlite');
      const src = new BetterSqlite3(target.path, { fileMustExist: true });
      try {
        // SQLite's online backup API: a consistent copy while the site keeps reading and writing.
        await src.backup(dbFile);
      } finally {
        src.close();
      }
      tables = sqliteCounts(dbFile);
    } else {
      dbFile = join(tmp, 'database.pgdump');
      // Counts and dump from one snapshot: the counts describe exactly what the dump holds.
      const c = new pg.Client({ connectionString: target.url, application_name: 'stdhub-backup' });
      await c.connect();
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const snap = (await c.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
        tables = await pgCounts(c);
        await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snap}`, '--file', dbFile, '--dbname', target.url]);
        await c.query('COMMIT');
      } finally {
        await c.end();
      }
    }
    const db = await sha256File(dbFile);
    const blobs = (await listBlobs(target.blobs)).map((b) => ({ key: b.key, size: b.size, sha256: b.sha256, contentType: b.contentType }));
    const manifest: BackupManifest = {
      format: 'stdhub-backup',
      version: 1,
      createdAt: now.toISOString(),
      database: { kind: target.kind, file: target.kind === 'sqlite' ? 'database.sqlite' : 'database.pgdump', ...db },
      tables,
      blobs,
    };
    const pack = tar.pack();
    const out = createWriteStream(`${file}.part`);
    const written = gz(file) ? pipeline(pack, createGzip(), out) : pipeline(pack, out);
    const json = Buffer.from(JSON.stringify(manifest, null, 2));
    await entry(pack, 'manifest.json', json.length, Readable.from([json]));
    await entry(pack, manifest.database.file, db.size, createReadStream(dbFile));
    for (const b of blobs) {
      const got = await target.blobs.get(b.key);
      if (!got) throw new Error(`blob ${b.key} disappeared during the backup; run it again`);
      if (got.info.size !== b.size) throw new Error(`blob ${b.key} changed during the backup; run it again`);
      await entry(pack, `blobs/${b.key}`, b.size, got.stream);
    }
    pack.finalize();
    await written;
    await rename(`${file}.part`, file);
    return manifest;
  } catch (e) {
    await rm(`${file}.part`, { force: true });
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Whether the target holds data: catalogue records, texts or events in its database, or any blob. */
export async function targetHoldsData(target: BackupTarget): Promise<string | null> {
  const probe = ['standard', 'content_doc', 'event'];
  if (target.kind === 'sqlite') {
    if (existsSync(target.path) && (await stat(target.path)).size > 0) {
      const db = new BetterSqlite3(target.path, { readonly: true, fileMustExist: true });
      try {
        for (const t of probe) {
          const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);
          if (exists && (db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(t)}`).get() as { n: number }).n > 0) return `the database ${target.path} has rows in ${t}`;
        }
      } finally {
        db.close();
      }
    }
  } else {
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    try {
      for (const t of probe) {
        const exists = await c.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1", [t]);
        if (exists.rowCount && Number((await c.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(t)}`)).rows[0]!.n) > 0) return `the database has rows in ${t}`;
      }
    } finally {
      await c.end();
    }
  }
  for await (const b of target.blobs.list('')) return `the blob store holds files (${b.key}, …)`;
  return null;
}

export interface RestoreReport {
  manifest: BackupManifest;
  problems: string[];
  ok: boolean;
}

/**
 * Restores a backup file into the target (stop the site first). Refuses a target that holds data unless `force`;
 * verifies the database file's sha256, per-table row counts and every blob's sha256.
 */
export async function restore(target: BackupTarget, file: string, opts: { force?: boolean } = {}): Promise<RestoreReport> {
  if (!existsSync(file)) throw new Error(`no backup file ${file}`);
  if (!opts.force) {
    const busy = await targetHoldsData(target);
    if (busy) throw new Error(`refusing to overwrite: ${busy} (use --force)`);
  }
  // Temp files beside the SQLite target, so the final rename stays on one filesystem.
  const tmpBase = target.kind === 'sqlite' ? dirname(target.path) : tmpdir();
  await mkdir(tmpBase, { recursive: true });
  const tmp = await mkdtemp(join(tmpBase, '.stdhub-restore-'));
  const problems: string[] = [];
  try {
    let manifest: BackupManifest | null = null;
    let dbFile: string | null = null;
    let dbSum: { sha256: string; size: number } | null = null;
    const extract = tar.extract();
    const input = createReadStream(file);
    const source = gz(file) ? input.pipe(createGunzip()) : input;
    const feeding = pipeline(source, extract).catch((e: Error) => extract.destroy(e));
    // Bounded by the archive: one iteration per entry.
    for await (const e of extract) {
      const name = e.header.name;
      if (name === 'manifest.json') {
        const parts: Buffer[] = [];
        for await (const c of e) parts.push(c as Buffer);
        manifest = JSON.parse(Buffer.concat(parts).toString('utf8')) as BackupManifest;
        if (manifest.format !== 'stdhub-backup' || manifest.version !== 1) throw new Error('not a stdhub backup (manifest format)');
        if (manifest.database.kind !== target.kind)
          throw new Error(`this is a ${manifest.database.kind} backup; the configured site uses ${target.kind} (${manifest.database.kind === 'sqlite' ? 'unset DATABASE_URL' : 'set DATABASE_URL'})`);
      } else if (!manifest) {
        throw new Error('not a stdhub backup (manifest.json must come first)');
      } else if (name === manifest.database.file) {
        dbFile = join(tmp, name);
        const h = hashingStream();
        await pipeline(e, h, createWriteStream(dbFile));
        dbSum = h.digest();
        // Checked before any blob is written, so a damaged backup changes nothing.
        if (dbSum.sha256 !== manifest.database.sha256 || dbSum.size !== manifest.database.size) throw new Error('the database file in the backup is damaged (sha256 differs from the manifest)');
      } else if (name.startsWith('blobs/')) {
        const key = name.slice('blobs/'.length);
        const expected = manifest.blobs.find((b) => b.key === key);
        const info = await target.blobs.put(key, e as unknown as Readable, { contentType: expected?.contentType });
        if (!expected) problems.push(`blob ${key}: not in the manifest`);
        else if (info.sha256 !== expected.sha256) problems.push(`blob ${key}: sha256 differs from the manifest`);
      } else {
        e.resume();
      }
    }
    await feeding;
    if (!manifest || !dbFile || !dbSum) throw new Error('incomplete backup: manifest or database file missing');
    if (dbSum.sha256 !== manifest.database.sha256 || dbSum.size !== manifest.database.size) throw new Error('the database file in the backup is damaged (sha256 differs from the manifest)');

    let counts: Record<string, number>;
    if (target.kind === 'sqlite') {
      const check = new BetterSqlite3(dbFile, { readonly: true });
      const ic = check.pragma('integrity_check', { simple: true });
      check.close();
      if (ic !== 'ok') throw new Error(`the database file fails integrity_check: ${String(ic)}`);
      counts = sqliteCounts(dbFile);
      for (const suffix of ['-wal', '-shm']) await rm(`${target.path}${suffix}`, { force: true });
      await rename(dbFile, target.path);
    } else {
      await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '--dbname', target.url, dbFile]);
      const c = new pg.Client({ connectionString: target.url });
      await c.connect();
      try {
        counts = await pgCounts(c);
      } finally {
        await c.end();
      }
    }
    for (const [table, n] of Object.entries(manifest.tables)) {
      if (counts[table] !== n) problems.push(`table ${table}: ${counts[table] ?? 'missing'} rows after restore, ${n} in the backup`);
    }
    problems.push(...(await verifyBlobs(target.blobs, manifest.blobs)));
    return { manifest, problems, ok: problems.length === 0 };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
