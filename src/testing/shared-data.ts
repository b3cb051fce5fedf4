import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real reference data lives beside the checkout in ../shared/data (always there in CI). Tests that need it
 * call sharedData() and use describe.skipIf(!path)(…) so a fresh clone without it reports them as skipped by name.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = process.env.STDHUB_SHARED_DATA ?? join(root, '..', 'shared', 'data');

/** Absolute path of a file or folder under shared/data, or null when absent. */
export function sharedData(rel: string): string | null {
  const p = join(SHARED_DATA, rel);
  return existsSync(p) ? p : null;
}

/** The repository root (for the shipped demo/ data). */
export const REPO_ROOT = root;
