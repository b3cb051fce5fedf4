import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../cli/program.js';

/**
 * CliIo for runCli() in tests: stdout and stderr are captured (read them with out() and err()), the environment
 * is quiet (no logs, no demo data, no search workers); `stdin`, when given, is what the command reads.
 */
export function captureCliIo(stdin?: string): { io: CliIo & { stdin?: NodeJS.ReadableStream }; out(): string; err(): string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (x) => (out += x));
  stderr.on('data', (x) => (err += x));
  const io: CliIo & { stdin?: NodeJS.ReadableStream } = {
    stdout,
    stderr,
    env: { LOG_LEVEL: 'silent', STDHUB_DEMO: 'off', SEARCH_WORKERS: '0' },
    onSignal: () => {},
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
  };
  return { io, out: () => out, err: () => err };
}
