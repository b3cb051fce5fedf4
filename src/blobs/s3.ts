import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { hashingStream } from './fs.js';
import { assertBlobKey, assertBlobPrefix } from './keys.js';
import type { BlobInfo, BlobStore } from './ports.js';

/** Connection settings of an S3-compatible store (from config: S3_ENDPOINT, S3_BUCKET, …). */
export interface S3Options {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Folder for spooling stream uploads of unknown length (default: the OS temp folder). */
  spoolDir?: string;
}

const DEFAULT_TYPE = 'application/octet-stream';
/** User metadata key holding the hex sha256 (sent as x-amz-meta-sha256). */
const SHA_META = 'sha256';

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, s3rver, Ceph …) through @aws-sdk/client-s3 with path-style
 * addressing, so a custom endpoint like http://127.0.0.1:9000 works without DNS tricks.
 *
 * Uploads use one PutObject with a known Content-Length: @aws-sdk/lib-storage (multipart) is not installed, and a
 * stream of unknown length is first spooled to a temp file (hashing it on the way) so its length is known. That
 * caps a blob at S3's single-PUT limit of 5 GB, far above any standard's text. The sha256 travels as user metadata,
 * so head() and list() report it without reading the bytes. Request checksums are sent only when an operation
 * requires them: the SDK's default aws-chunked streaming checksums are not understood by every S3-compatible server.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;
  private readonly spoolDir: string;

  constructor(opts: S3Options) {
    this.bucket = opts.bucket;
    this.spoolDir = opts.spoolDir ?? tmpdir();
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: true,
      credentials: opts.accessKeyId && opts.secretAccessKey ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Creates the bucket when it does not exist (for tests, migrate-to-postgres and first start). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async put(key: string, body: Buffer | Readable, opts: { contentType?: string } = {}): Promise<BlobInfo> {
    assertBlobKey(key);
    const contentType = opts.contentType ?? DEFAULT_TYPE;
    if (Buffer.isBuffer(body)) {
      const sha256 = createHash('sha256').update(body).digest('hex');
      const size = body.length;
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: size, ContentType: contentType, Metadata: { [SHA_META]: sha256 } }),
      );
      return { key, size, contentType, sha256 };
    }
    const dir = await mkdtemp(join(this.spoolDir, 'stdhub-s3-'));
    const file = join(dir, randomBytes(8).toString('hex'));
    try {
      const h = hashingStream();
      await pipeline(body, h, createWriteStream(file));
      const { sha256, size } = h.digest();
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: contentType,
          Metadata: { [SHA_META]: sha256 },
        }),
      );
      return { key, size, contentType, sha256 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertBlobKey(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: Number(r.ContentLength ?? 0), contentType: r.ContentType ?? DEFAULT_TYPE, sha256: r.Metadata?.[SHA_META] ?? '' };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async get(key: string): Promise<{ info: BlobInfo; stream: Readable } | null> {
    assertBlobKey(key);
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      // In Node the body is the HTTP response stream itself: the bytes are never buffered whole.
      const stream = r.Body as Readable;
      return {
        info: { key, size: Number(r.ContentLength ?? 0), contentType: r.ContentType ?? DEFAULT_TYPE, sha256: r.Metadata?.[SHA_META] ?? '' },
        stream,
      };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    // S3 DeleteObject succeeds for missing keys; HEAD first so the result says whether something was removed.
    const existed = (await this.head(key)) !== null;
    if (existed) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return existed;
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    let token: string | undefined;
    // Bounded: each page holds up to 1000 keys and the listing ends when the store says so.
    for (let page = 0; page < 1_000_000; page++) {
      const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token }));
      const keys = (r.Contents ?? []).map((o) => o.Key!).filter(Boolean).sort();
      for (const key of keys) {
        // The sha256 lives in the object's metadata, which listings do not return.
        const info = await this.head(key);
        if (info) yield info;
      }
      if (!r.IsTruncated || !r.NextContinuationToken) return;
      token = r.NextContinuationToken;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
