import { AppError } from '../kernel/errors.js';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** Keys longer than this are refused (S3 allows 1024 bytes; a filesystem path component 255). */
export const MAX_KEY = 512;

/**
 * Refuses a key that could escape the store or that two adapters would treat differently: absolute keys, empty
 * segments ('a//b', trailing '/'), '.' and '..', segments starting with '.' (the filesystem adapter keeps its own
 * bookkeeping in dot-folders) and any character outside [A-Za-z0-9._/-].
 */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY) throw new AppError('invalid_input', 'invalid blob key', { key: String(key).slice(0, 80) });
  for (const seg of key.split('/')) {
    if (!SEGMENT.test(seg) || seg.length > 200) throw new AppError('invalid_input', 'invalid blob key', { key: key.slice(0, 80) });
  }
}

/** A list prefix is a key prefix: '' (everything) or the start of a valid key (may end with '/'). */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  assertBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
