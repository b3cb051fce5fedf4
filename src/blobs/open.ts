import { dirname, join, resolve } from 'node:path';
import type { Config } from '../kernel/config.js';
import { FsBlobStore } from './fs.js';
import type { BlobStore } from './ports.js';
import { S3BlobStore } from './s3.js';

/** The blob store named by configuration, plus a close() for the S3 client's sockets. */
export function openBlobStore(config: Config): BlobStore & { close?(): void } {
  if (config.BLOB_STORE === 's3') {
    return new S3BlobStore({
      endpoint: config.S3_ENDPOINT,
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    });
  }
  return new FsBlobStore(blobDirOf(config));
}

/** The filesystem store's folder: BLOB_DIR, else `blobs` beside the SQLite file. */
export function blobDirOf(config: Config): string {
  return resolve(config.BLOB_DIR ?? join(dirname(config.STDHUB_DB), 'blobs'));
}
