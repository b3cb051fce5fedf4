import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';
import { S3BlobStore } from './s3.js';
import { blobStoreContract } from './store.case.js';

// A real S3-compatible server (s3rver) on 127.0.0.1, a random port and a temp folder; each contract test gets
// its own bucket so runs never see each other's keys.
let server: S3rver;
let dir: string;
let endpoint: string;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stdhub-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

blobStoreContract('s3 (s3rver)', async () => {
  const store = new S3BlobStore({ endpoint, bucket: `stdhub-test-${process.pid}-${++n}`, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  await store.ensureBucket();
  return { store, close: async () => store.close() };
});
