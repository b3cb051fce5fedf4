import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { ContentStore, ContentSummary } from '../content/ports.js';
import type { BlobStore } from './ports.js';

/**
 * Downloads served from the blob store, so every instance streams the same bytes from one place and nothing is
 * loaded whole into memory:
 *  - original sources are copied from the content store into the blob store on first download (content-addressed
 *    by their sha256: `sources/<aa>/<sha256>`), then streamed from there;
 *  - generated files (PDF) are generated once per text version, language and day into `downloads/<day>/<hash>`
 *    and streamed from the store afterwards (the day is part of the key because the footer prints the date).
 */

/** Blob key of an original source with this sha256. */
export function sourceKey(sha256: string): string {
  return `sources/${sha256.slice(0, 2)}/${sha256}`;
}

/** The stored text a download of `lang` means: that language, else zh, else en, else the first (newest first). */
export function pickText(list: ContentSummary[], lang?: string): ContentSummary | null {
  const rows = [...list].sort((a, b) => (a.updatedAt === b.updatedAt ? b.docId - a.docId : a.updatedAt < b.updatedAt ? 1 : -1));
  if (!rows.length) return null;
  if (lang) return rows.find((r) => r.lang === lang) ?? null;
  return rows.find((r) => r.lang === 'zh') ?? rows.find((r) => r.lang === 'en') ?? rows[0]!;
}

/** What a download route sends. */
export interface BlobDownload {
  stream: Readable;
  size: number;
  mediaType: string;
  name: string;
  lang: string;
  /** Whether the bytes came from the blob store (false on the first download, which fills it). */
  fromStore: boolean;
}

/**
 * The original source of a standard's text as a stream from the blob store, filling the store from the content
 * store on a miss. A source whose bytes do not hash to the recorded sha256 is served but not cached.
 */
export async function sourceDownload(deps: { blobs: BlobStore; content: ContentStore }, stdId: string, lang?: string): Promise<BlobDownload | null> {
  const pick = pickText(await deps.content.list(stdId), lang);
  if (!pick) return null;
  const name = posix.basename(pick.sourceRef.replace(/\\/g, '/').replace(/#.*$/, ''));
  const key = /^[0-9a-f]{64}$/.test(pick.sourceHash) ? sourceKey(pick.sourceHash) : null;
  if (key) {
    const hit = await deps.blobs.get(key);
    if (hit) return { stream: hit.stream, size: hit.info.size, mediaType: hit.info.contentType, name, lang: pick.lang, fromStore: true };
  }
  const src = await deps.content.source(stdId, pick.lang);
  if (!src) return null;
  if (key) {
    const info = await deps.blobs.put(key, src.bytes, { contentType: src.mediaType });
    if (info.sha256 !== pick.sourceHash) await deps.blobs.delete(key);
  }
  return { stream: Readable.from([src.bytes]), size: src.bytes.length, mediaType: src.mediaType, name: src.name || name, lang: pick.lang, fromStore: false };
}

/** Blob key of a generated download: the day, then a hash of everything the file depends on. */
export function downloadKey(day: string, parts: unknown, ext: string): string {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `downloads/${day}/${h}.${ext}`;
}

/**
 * A generated file from the blob store, generating it into the store first when missing. Generation runs to the
 * end before anything is sent, so a failure is an error response rather than a truncated file.
 */
export async function cachedDownload(blobs: BlobStore, key: string, contentType: string, generate: () => Readable): Promise<{ stream: Readable; size: number; fromStore: boolean }> {
  const hit = await blobs.get(key);
  if (hit) return { stream: hit.stream, size: hit.info.size, fromStore: true };
  await blobs.put(key, generate(), { contentType });
  const got = await blobs.get(key);
  if (!got) throw new Error(`generated download ${key} vanished`);
  return { stream: got.stream, size: got.info.size, fromStore: false };
}

/** Deletes generated downloads of days before `today` (YYYY-MM-DD); returns how many went. For a daily job. */
export async function pruneDownloads(blobs: BlobStore, today: string): Promise<number> {
  const old: string[] = [];
  for await (const info of blobs.list('downloads/')) {
    const day = info.key.split('/')[1] ?? '';
    if (day < today) old.push(info.key);
    if (old.length >= 100_000) break;
  }
  for (const key of old) await blobs.delete(key);
  return old.length;
}

/** The scheduled job that removes generated downloads of earlier days (the cache holds one day's files). */
export function pruneDownloadsJob(blobs: BlobStore): { name: string; everyMs: number; run(now: Date): Promise<{ changed: number }> } {
  return {
    name: 'blobs.prune-downloads',
    everyMs: 6 * 3_600_000,
    run: async (now) => ({ changed: await pruneDownloads(blobs, now.toISOString().slice(0, 10)) }),
  };
}
