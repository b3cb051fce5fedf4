import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../testing/shared-data.js';
import { decodeText, readSource } from './sources.js';

describe('decodeText', () => {
  it('strips a UTF-8 BOM and falls back to Latin-1 for invalid UTF-8', () => {
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ text: 'A', encoding: 'utf-8', bom: true });
    expect(decodeText(Buffer.from([0x43, 0x61, 0x66, 0xe9]))).toEqual({ text: 'Café', encoding: 'latin1', bom: false });
  });
});

describe('readSource', () => {
  it('walks a folder in sorted order with names relative to the root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stdhub-src-'));
    try {
      writeFileSync(join(dir, 'b.txt'), 'b');
      writeFileSync(join(dir, 'a.txt'), 'a');
      const names: string[] = [];
      for await (const f of readSource(dir)) names.push(`${f.name}=${f.data.toString()}`);
      expect(names).toEqual(['a.txt=a', 'b.txt=b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const tarXz = sharedData('ietf-rfc/rfcs-all-txt.tar.xz');
  describe.skipIf(!tarXz)('streaming the RFC .tar.xz (shared data)', () => {
    it('lets a consumer stop early without leaving xz blocked (the process exits)', () => {
      // Run in a child process: a leaked, blocked xz would keep it alive until the safety timeout kills it.
      const script = `import { readSource } from ${JSON.stringify(join(REPO_ROOT, 'dist/importers/sources.js'))};
        let n = 0; for await (const f of readSource(${JSON.stringify(tarXz)})) { if (++n >= 3) break; }
        console.log('stopped after ' + n);`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stdout.trim()).toBe('stopped after 3');
      expect(r.status).toBe(0);
    });
  });
});
