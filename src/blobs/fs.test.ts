import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from './fs.js';
import { blobStoreContract } from './store.case.js';

blobStoreContract('filesystem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-blobs-'));
  return { store: new FsBlobStore(dir), close: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe('FsBlobStore specifics', () => {
  it('never writes outside its root and leaves no temp files after a put', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'stdhub-blobs-'));
    const root = join(parent, 'root');
    try {
      const s = new FsBlobStore(root);
      await expect(s.put('../outside', Buffer.from('x'))).rejects.toThrow();
      expect(readdirSync(parent)).toEqual([]);
      await s.put('a/b', Buffer.from('x'));
      expect(readdirSync(join(root, '.tmp'))).toEqual([]);
      expect(readdirSync(parent)).toEqual(['root']);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('hashes a file placed by hand (a restored folder) and sweeps only old temp files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stdhub-blobs-'));
    try {
      const s = new FsBlobStore(root);
      mkdirSync(join(root, 'x'));
      writeFileSync(join(root, 'x', 'y'), 'abc');
      const info = await s.head('x/y');
      expect(info?.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      mkdirSync(join(root, '.tmp'), { recursive: true });
      writeFileSync(join(root, '.tmp', 'old.part'), 'x');
      writeFileSync(join(root, '.tmp', 'new.part'), 'x');
      const now = Date.now();
      utimesSync(join(root, '.tmp', 'old.part'), new Date(now - 7_200_000), new Date(now - 7_200_000));
      expect(await s.sweep(now)).toBe(1);
      expect(existsSync(join(root, '.tmp', 'new.part'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
