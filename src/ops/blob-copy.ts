import { createHash } from 'node:crypto';
import type { BlobInfo, BlobStore } from '../blobs/ports.js';

/** One blob's expected identity. */
export interface BlobSum {
  key: string;
  size: number;
  sha256: string;
}

/** Lists a store's blobs (bounded by `max`, so a runaway listing cannot exhaust memory). */
export async function listBlobs(store: BlobStore, max = 10_000_000): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const info of store.list('')) {
    out.push(info);
    if (out.length >= max) throw new Error(`more than ${max} blobs`);
  }
  return out;
}

/** Copies every blob from one store to another, streaming each (never a whole file in memory). */
export async function copyBlobs(from: BlobStore, to: BlobStore, onBlob?: (done: number, total: number) => void): Promise<BlobSum[]> {
  const all = await listBlobs(from);
  const out: BlobSum[] = [];
  for (const [i, info] of all.entries()) {
    const got = await from.get(info.key);
    if (!got) continue; // deleted meanwhile
    const written = await to.put(info.key, got.stream, { contentType: got.info.contentType });
    out.push({ key: info.key, size: written.size, sha256: written.sha256 });
    onBlob?.(i + 1, all.length);
  }
  return out;
}

/**
 * Re-reads every expected blob from `store` and hashes its bytes (not trusting stored metadata); returns the
 * problems found (missing, size or sha256 mismatch).
 */
export async function verifyBlobs(store: BlobStore, expected: BlobSum[]): Promise<string[]> {
  const problems: string[] = [];
  for (const e of expected) {
    const got = await store.get(e.key);
    if (!got) {
      problems.push(`blob ${e.key}: missing`);
      continue;
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of got.stream) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const sha = hash.digest('hex');
    if (size !== e.size) problems.push(`blob ${e.key}: ${size} bytes, expected ${e.size}`);
    else if (sha !== e.sha256) problems.push(`blob ${e.key}: sha256 ${sha.slice(0, 12)}…, expected ${e.sha256.slice(0, 12)}…`);
  }
  return problems;
}
