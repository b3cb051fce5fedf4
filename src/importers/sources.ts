import { spawn } from 'node:child_process';
import { createReadStream, promises as fs } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';

/** One file of an import source, with its name relative to the source root. */
export interface SourceFile {
  name: string;
  data: Buffer;
}

/** Thrown for a source that cannot be read to the end (a truncated archive); carries what was read. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Iterates the files of a source: a single file, a folder (recursive, sorted), or a tar archive (.tar, .tar.gz,
 * .tgz, .tar.xz). xz is decompressed by the system `xz` tool (Debian's xz-utils), streamed, never unpacked to disk.
 * `filter` selects names before their bytes are read. A truncated archive yields what it can, then throws SourceError.
 */
export async function* readSource(path: string, filter: (name: string) => boolean = () => true): AsyncGenerator<SourceFile> {
  const st = await fs.stat(path);
  if (st.isDirectory()) {
    for await (const f of walk(path)) {
      const name = relative(path, f);
      if (!filter(name)) continue;
      yield { name, data: await fs.readFile(f) };
    }
    return;
  }
  if (/\.(tar|tgz|tar\.gz|tar\.xz|txz)$/i.test(path)) {
    yield* readTar(path, filter);
    return;
  }
  if (filter(basename(path))) yield { name: basename(path), data: await fs.readFile(path) };
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

function decompressed(path: string): { stream: Readable; done: Promise<string | null>; stop: () => void } {
  const file = createReadStream(path);
  if (/\.(tar\.xz|txz)$/i.test(path)) {
    const xz = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    xz.stderr.on('data', (d) => (err += d));
    file.pipe(xz.stdin);
    xz.stdin.on('error', () => undefined);
    const done = new Promise<string | null>((resolve) => {
      xz.on('error', (e) => resolve(`cannot run xz: ${e.message}`));
      xz.on('close', (code) => resolve(code === 0 ? null : `xz: ${err.trim() || `exit ${code}`}`));
    });
    return {
      stream: xz.stdout,
      done,
      // A consumer that stops early must not leave xz blocked on a full pipe (the process would never exit).
      stop: () => {
        file.destroy();
        xz.kill();
      },
    };
  }
  if (/\.(tgz|tar\.gz)$/i.test(path)) {
    const gz = createGunzip();
    let failure: string | null = null;
    gz.on('error', (e) => (failure = `gzip: ${e.message}`));
    file.pipe(gz);
    return { stream: gz, done: new Promise((r) => gz.on('close', () => r(failure))), stop: () => (file.destroy(), gz.destroy()) };
  }
  return { stream: file, done: Promise.resolve(null), stop: () => file.destroy() };
}

async function* readTar(path: string, filter: (name: string) => boolean): AsyncGenerator<SourceFile> {
  const { stream, done, stop } = decompressed(path);
  const extract = tar.extract();
  let finished = false;
  let lastName: string | undefined;
  let tarError: Error | null = null;
  extract.on('error', (e) => (tarError = e));
  stream.on('error', (e) => extract.destroy(e));
  stream.pipe(extract);
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '');
      lastName = name;
      if (entry.header.type !== 'file' || !filter(name)) {
        entry.resume();
        continue;
      }
      if ((entry.header.size ?? 0) > MAX_FILE_BYTES) {
        entry.resume();
        throw new SourceError(`${name}: larger than ${MAX_FILE_BYTES} bytes`, name);
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      yield { name, data: Buffer.concat(chunks) };
    }
    finished = true;
  } catch (e) {
    finished = true;
    stop();
    if (e instanceof SourceError) throw e;
    throw new SourceError(`archive ends early or is damaged after ${lastName ?? 'the start'}: ${(e as Error).message}`, lastName);
  } finally {
    // Reached when the consumer stops iterating early (return()): release the decompressor.
    if (!finished) {
      stop();
      extract.destroy();
    }
  }
  const problem = await done;
  if (tarError) throw new SourceError(`archive damaged after ${lastName ?? 'the start'}: ${(tarError as Error).message}`, lastName);
  if (problem) throw new SourceError(`archive truncated or damaged after ${lastName ?? 'the start'}: ${problem}`, lastName);
}

/** Decodes text: strips a UTF-8 BOM; falls back to Latin-1 for bytes that are not valid UTF-8 (and says so). */
export function decodeText(data: Buffer): { text: string; encoding: 'utf-8' | 'latin1'; bom: boolean } {
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  const body = bom ? data.subarray(3) : data;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8', bom };
  } catch {
    return { text: body.toString('latin1'), encoding: 'latin1', bom };
  }
}
