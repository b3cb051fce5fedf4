import { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Typed configuration that fails fast (after Outline's server/env.ts). Every variable is documented here and in
 * .env.sample; nothing else in the code reads process.env.
 */
const schema = z.object({
  /** Path of the embedded SQLite database file. */
  STDHUB_DB: z.string().min(1).default('data/stdhub.sqlite'),
  /** TCP port of the web server. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to bind; loopback by default so a fresh checkout is not exposed. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Public base URL used in links, feeds and the OpenAPI document. */
  PUBLIC_URL: z.string().url().optional(),
  /** Read-only worker threads serving search queries (0 = run them on the main thread). */
  SEARCH_WORKERS: z.coerce.number().int().min(0).max(32).default(2),
  /** Load the shipped demo data when the database is empty at start. */
  STDHUB_DEMO: z.enum(['auto', 'off']).default('auto'),
  /** Folder with the real reference data (RFC texts, ISO Relaton, CCS codes); optional. */
  STDHUB_SHARED_DATA: z.string().optional(),
  /** Logging level of the web server. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Default interface language. */
  DEFAULT_LANG: z.enum(['zh-CN', 'en']).default('zh-CN'),
  /** Font file (TTF/OTF/TTC) embedded in generated PDFs so Chinese renders; Debian package fonts-wqy-microhei. */
  PDF_CJK_FONT: z.string().min(1).default('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
});

export type Config = z.infer<typeof schema>;

/** Validates the environment (or an override object) once; throws invalid_config naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const parsed = schema.safeParse({ ...picked, ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError('invalid_config', `Invalid configuration: ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}
