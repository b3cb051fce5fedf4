import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import type { BlobStore } from './ports.js';

/** What a contract run needs: a fresh, empty store and a way to release it. */
export interface BlobHarness {
  store: BlobStore;
  close(): Promise<void>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}

/** A stream of `chunks` pseudo-random chunks of `size` bytes, produced lazily (never one buffer). */
function lazyStream(chunks: number, size: number): { stream: Readable; expected: () => { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let i = 0;
  const stream = new Readable({
    read() {
      if (i >= chunks) return void this.push(null);
      const b = Buffer.alloc(size, (i * 31 + 7) % 251);
      b.writeUInt32BE(i, 0);
      hash.update(b);
      i++;
      this.push(b);
    },
  });
  let digest: string | null = null;
  return { stream, expected: () => ({ sha256: (digest ??= hash.digest('hex')), size: chunks * size }) };
}

/**
 * The BlobStore contract, written once and run by every adapter (filesystem, S3 through s3rver). `make` returns a
 * fresh empty store.
 */
export function blobStoreContract(name: string, make: () => Promise<BlobHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    const withStore = async (fn: (s: BlobStore) => Promise<void>) => {
      const h = await make();
      try {
        await fn(h.store);
      } finally {
        await h.close();
      }
    };

    it('puts a buffer and reads it back with size, type and sha256', () =>
      withStore(async (s) => {
        const body = Buffer.from('<standard>电池 text</standard>', 'utf8');
        const info = await s.put('texts/GB-T-1-2020/zh.xml', body, { contentType: 'application/xml' });
        expect(info).toEqual({ key: 'texts/GB-T-1-2020/zh.xml', size: body.length, contentType: 'application/xml', sha256: sha(body) });
        expect(await s.head('texts/GB-T-1-2020/zh.xml')).toEqual(info);
        const got = await s.get('texts/GB-T-1-2020/zh.xml');
        expect(got?.info).toEqual(info);
        expect((await readAll(got!.stream)).equals(body)).toBe(true);
      }));

    it('streams a 5 MB upload of unknown length in and out, hashing on the way', () =>
      withStore(async (s) => {
        const src = lazyStream(80, 64 * 1024);
        const info = await s.put('big/blob.bin', src.stream);
        expect(info.size).toBe(src.expected().size);
        expect(info.sha256).toBe(src.expected().sha256);
        expect(info.contentType).toBe('application/octet-stream');
        const got = await s.get('big/blob.bin');
        // Read chunk by chunk: the adapter hands out a stream, not one buffer of the whole file.
        const hash = createHash('sha256');
        let n = 0;
        let chunks = 0;
        for await (const c of got!.stream) {
          hash.update(c as Buffer);
          n += (c as Buffer).length;
          chunks++;
        }
        expect(n).toBe(info.size);
        expect(chunks).toBeGreaterThan(1);
        expect(hash.digest('hex')).toBe(info.sha256);
      }));

    it('overwrites a key with new bytes', () =>
      withStore(async (s) => {
        await s.put('a/b.txt', Buffer.from('one'));
        const second = await s.put('a/b.txt', Buffer.from('second version'), { contentType: 'text/plain' });
        expect(await s.head('a/b.txt')).toEqual(second);
        expect((await readAll((await s.get('a/b.txt'))!.stream)).toString()).toBe('second version');
      }));

    it('answers null for a missing key and false when deleting one', () =>
      withStore(async (s) => {
        expect(await s.get('missing/key')).toBeNull();
        expect(await s.head('missing/key')).toBeNull();
        expect(await s.delete('missing/key')).toBe(false);
        await s.put('x/y', Buffer.from('1'));
        expect(await s.delete('x/y')).toBe(true);
        expect(await s.head('x/y')).toBeNull();
        expect(await s.get('x/y')).toBeNull();
      }));

    it('lists keys under a prefix in lexical order', () =>
      withStore(async (s) => {
        for (const k of ['p/b', 'p/a/2', 'p/a/1', 'p-c', 'q/z', 'p/a-b']) await s.put(k, Buffer.from(k));
        const keys = async (prefix: string) => {
          const out: string[] = [];
          for await (const i of s.list(prefix)) out.push(i.key);
          return out;
        };
        expect(await keys('p/')).toEqual(['p/a-b', 'p/a/1', 'p/a/2', 'p/b']);
        expect(await keys('p')).toEqual(['p-c', 'p/a-b', 'p/a/1', 'p/a/2', 'p/b']);
        expect(await keys('p/a/')).toEqual(['p/a/1', 'p/a/2']);
        expect(await keys('')).toEqual(['p-c', 'p/a-b', 'p/a/1', 'p/a/2', 'p/b', 'q/z']);
        const infos: string[] = [];
        for await (const i of s.list('q/')) infos.push(i.sha256);
        expect(infos).toEqual([sha(Buffer.from('q/z'))]);
      }));

    it('refuses keys that could escape the store', () =>
      withStore(async (s) => {
        const bad = ['../etc/passwd', '/abs', 'a/../../b', 'a//b', 'a/', '', 'a/./b', '.hidden', 'a\\b', 'a b', 'ä', 'x'.repeat(600)];
        for (const key of bad) {
          const err = await s.put(key, Buffer.from('no')).then(() => null, (e: unknown) => e);
          expect(isAppError(err) && err.code, key).toBe('invalid_input');
          await expect(s.get(key)).rejects.toThrow();
          await expect(s.delete(key)).rejects.toThrow();
        }
      }));

    it('a failed upload stream leaves no blob behind', () =>
      withStore(async (s) => {
        let i = 0;
        const failing = new Readable({
          read() {
            if (i++ < 3) this.push(Buffer.alloc(1024, 1));
            else this.destroy(new Error('client went away'));
          },
        });
        await expect(s.put('half/written', failing)).rejects.toThrow('client went away');
        expect(await s.head('half/written')).toBeNull();
        const all: string[] = [];
        for await (const info of s.list('')) all.push(info.key);
        expect(all).toEqual([]);
      }));
  });
}
