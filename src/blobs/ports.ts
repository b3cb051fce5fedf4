import type { Readable } from 'node:stream';

/** Metadata of a stored blob. */
export interface BlobInfo {
  key: string;
  size: number;
  contentType: string;
  /** Hex SHA-256 of the bytes (computed while writing; used by migrate-to-postgres verification). */
  sha256: string;
}

/**
 * Where files live (uploaded texts, original sources, generated downloads): the filesystem by default, an
 * S3-compatible object store for several instances. Keys are relative paths of [A-Za-z0-9._/-] segments; '..',
 * absolute keys and empty segments are refused (invalid_input), so a key can never escape the store.
 * Reads stream: a download never loads a whole file into memory.
 */
export interface BlobStore {
  put(key: string, body: Buffer | Readable, opts?: { contentType?: string }): Promise<BlobInfo>;
  /** The bytes as a stream, or null when the key does not exist. */
  get(key: string): Promise<{ info: BlobInfo; stream: Readable } | null>;
  head(key: string): Promise<BlobInfo | null>;
  delete(key: string): Promise<boolean>;
  /** Keys under a prefix, in lexical order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
}
