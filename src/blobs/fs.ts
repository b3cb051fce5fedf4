import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobInfo, BlobStore } from './ports.js';
import { assertBlobKey, assertBlobPrefix } from './keys.js';

/** Metadata kept beside each blob (content type and the sha256 computed while writing). */
interface Meta {
  contentType: string;
  sha256: string;
  size: number;
}

const DEFAULT_TYPE = 'application/octet-stream';

/** A pass-through that hashes and counts the bytes flowing through it. */
export function hashingStream(): Transform & { digest(): { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  let done: { sha256: string; size: number } | null = null;
  return Object.assign(t, {
    digest() {
      done ??= { sha256: hash.digest('hex'), size };
      return done;
    },
  });
}

/**
 * Blobs as files under one root folder: `<root>/<key>` holds the bytes and `<root>/.meta/<key>.json` the content
 * type and sha256. A put streams into `<root>/.tmp/` while hashing, then renames into place, so a reader never sees
 * a half-written file and a crash leaves only a temp file (removed at the next start-up sweep of .tmp).
 */
export class FsBlobStore implements BlobStore {
  private readonly tmp: string;
  private readonly meta: string;

  constructor(readonly root: string) {
    this.tmp = join(root, '.tmp');
    this.meta = join(root, '.meta');
  }

  private path(key: string): string {
    assertBlobKey(key);
    return join(this.root, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return join(this.meta, ...`${key}.json`.split('/'));
  }

  async put(key: string, body: Buffer | Readable, opts: { contentType?: string } = {}): Promise<BlobInfo> {
    const target = this.path(key);
    await mkdir(this.tmp, { recursive: true });
    const tmpData = join(this.tmp, `${randomBytes(12).toString('hex')}.part`);
    const hasher = hashingStream();
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, hasher, createWriteStream(tmpData, { flags: 'wx' }));
      const { sha256, size } = hasher.digest();
      const meta: Meta = { contentType: opts.contentType ?? DEFAULT_TYPE, sha256, size };
      const tmpMeta = `${tmpData}.json`;
      await writeFile(tmpMeta, JSON.stringify(meta));
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(this.metaPath(key)), { recursive: true });
      // Meta first: a reader that sees the new bytes also sees their hash (get() re-checks the size).
      await rename(tmpMeta, this.metaPath(key));
      await rename(tmpData, target);
      return { key, ...meta };
    } catch (e) {
      await rm(tmpData, { force: true });
      await rm(`${tmpData}.json`, { force: true });
      throw e;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    const p = this.path(key);
    let size: number;
    try {
      const st = await stat(p);
      if (!st.isFile()) return null;
      size = st.size;
    } catch {
      return null;
    }
    let meta: Meta | null = null;
    try {
      meta = JSON.parse(await readFile(this.metaPath(key), 'utf8')) as Meta;
    } catch {
      meta = null;
    }
    if (!meta || meta.size !== size) {
      // Written by something other than put() (a restored folder, a copy): hash it once and remember.
      const h = hashingStream();
      await pipeline(createReadStream(p), h, new Transform({ transform: (_c, _e, cb) => cb() }));
      meta = { contentType: meta?.contentType ?? DEFAULT_TYPE, ...h.digest() };
      await mkdir(dirname(this.metaPath(key)), { recursive: true });
      await writeFile(this.metaPath(key), JSON.stringify(meta)).catch(() => undefined);
    }
    return { key, contentType: meta.contentType, sha256: meta.sha256, size };
  }

  async get(key: string): Promise<{ info: BlobInfo; stream: Readable } | null> {
    const info = await this.head(key);
    if (!info) return null;
    // Opened after head(): a concurrent put() replaces the file by rename, so this stream reads one whole version.
    return { info, stream: createReadStream(this.path(key)) };
  }

  async delete(key: string): Promise<boolean> {
    const p = this.path(key);
    const existed = await stat(p).then((s) => s.isFile(), () => false);
    await rm(p, { force: true });
    await rm(this.metaPath(key), { force: true });
    return existed;
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    // Start at the deepest folder the prefix names; collect, then sort, so the order is lexical by whole key.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirPart ? join(this.root, ...dirPart.split('/')) : this.root;
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(start);
    keys.sort();
    for (const key of keys) {
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  /**
   * Removes temp files left by a crash during put(). Only files older than `olderThanMs` go, so a put() running
   * in another process (an import beside the server) is not disturbed.
   */
  async sweep(now: number, olderThanMs = 3_600_000): Promise<number> {
    let removed = 0;
    const names = await readdir(this.tmp).catch(() => [] as string[]);
    for (const name of names) {
      const p = join(this.tmp, name);
      const st = await stat(p).catch(() => null);
      if (st && now - st.mtimeMs > olderThanMs) {
        await rm(p, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
