import { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Typed configuration that fails fast (after Outline's server/env.ts). Every variable is documented here and in
 * .env.sample; nothing else in the code reads process.env.
 */
const schema = z.object({
  /** Path of the embedded SQLite database file. */
  STDHUB_DB: z.string().min(1).default('data/stdhub.sqlite'),
  /**
   * PostgreSQL instead of the embedded SQLite file: postgres://user:password@host:5432/dbname. When set, every store
   * and both search ports use PostgreSQL (STDHUB_DB is then unused); unset keeps SQLite.
   */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// URL').max(2000).optional(),
  /** Most PostgreSQL connections each process holds (its pool size). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
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
  /** Lifecycle: years after implementation (or the last confirmation) when a standard's systematic review is due. */
  REVIEW_YEARS: z.coerce.number().int().min(1).max(50).default(5),
  /** Lifecycle: working days after the approval bulletin by which the approved standard's text must be published. */
  DISCLOSURE_WORKING_DAYS: z.coerce.number().int().min(0).max(1000).default(20),
  /** Lifecycle: a JSON working-day calendar (holidays, make-up working days) merged over the shipped China 2025 one. */
  CALENDAR_FILE: z.string().min(1).optional(),
  /** Lifecycle: IANA time zone whose calendar day decides when dated transitions take effect (e.g. Asia/Shanghai). */
  LIFECYCLE_TIME_ZONE: z
    .string()
    .min(1)
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone')
    .default('UTC'),
  /** Scheduled jobs (lifecycle transitions, alerts, …) run in this process while `stdhub serve` listens ('off' to leave them to another instance). */
  JOBS: z.enum(['on', 'off']).default('on'),
  /** Accounts: a session ends after this many minutes without a request (idle expiry). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(120),
  /** Accounts: a session ends this many days after sign-in whatever the activity (absolute expiry). */
  SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Mark cookies Secure even when PUBLIC_URL is not https (behind a TLS-terminating proxy). */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  /** How mail is sent: 'outbox' stores it in the database (readable at /dev/outbox by admins), 'smtp' sends it. */
  MAIL_TRANSPORT: z.enum(['outbox', 'smtp']).default('outbox'),
  /** SMTP server for MAIL_TRANSPORT=smtp: smtp://user:pass@host:587 or smtps://… */
  SMTP_URL: z.string().url().optional(),
  /** Sender address of mail (verification, password reset, alerts). */
  MAIL_FROM: z.string().min(3).max(300).default('stdhub <no-reply@localhost>'),
  /** Password of the demo accounts (admin@example.org, editor@example.org) created with the demo data. */
  STDHUB_DEMO_PASSWORD: z.string().min(8).max(200).default('stdhub-demo'),
  /** Largest file the editorial back office accepts (a full text or a bulk import), in bytes; default 50 MB. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(2 * 1024 * 1024 * 1024).default(50 * 1024 * 1024),
  /** Where files live (uploaded texts, sources, generated downloads): fs (a folder) or s3 (an S3-compatible store). */
  BLOB_STORE: z.enum(['fs', 's3']).default('fs'),
  /** Folder of the filesystem blob store; default: a `blobs` folder beside STDHUB_DB. */
  BLOB_DIR: z.string().min(1).optional(),
  /** S3-compatible endpoint URL (path-style addressing), e.g. http://127.0.0.1:9000; unset = AWS S3. */
  S3_ENDPOINT: z.string().url().optional(),
  /** Bucket holding the blobs (BLOB_STORE=s3). */
  S3_BUCKET: z.string().min(3).max(63).default('stdhub'),
  /** Region of the bucket (any value for most S3-compatible servers). */
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Access key id and secret of the S3 store (unset = the AWS SDK's default credential chain). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Redis URL (redis://127.0.0.1:6379): rate limits shared by several app instances; unset = in memory. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Per-client abuse limits on search, the reader and downloads (src/web/abuse-limits.ts): true | false. */
  RATE_LIMIT_ENABLED: z.enum(['true', 'false']).default('true'),
  /** Searches per client and minute (/search, /search/text, /api/v1/search, /api/v1/clauses). */
  RATE_LIMIT_SEARCH_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Reader pages per client and minute (/std/:id/read, clause permalinks, the text API). */
  RATE_LIMIT_READER_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** Downloads per client and hour (PDF, HTML, original source). */
  RATE_LIMIT_DOWNLOADS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /**
   * Reverse proxies in front of the app whose X-Forwarded-For entries are trusted to name the client (0 = none:
   * the client is the TCP peer). Behind nginx on the same host set 1, or every visitor looks like the proxy.
   */
  RATE_LIMIT_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Client addresses never limited, comma-separated: loopback by default (the operator's own scripts, health
   * checks and the benchmarks in bench/). 'none' = limit everyone.
   */
  RATE_LIMIT_EXEMPT_IPS: z.string().max(2000).default('127.0.0.1,::1,::ffff:127.0.0.1'),
  /** Alerts: e-mail mode of a person who never chose one: immediate | daily | weekly | off. */
  ALERTS_MAIL_DEFAULT: z.enum(['immediate', 'daily', 'weekly', 'off']).default('daily'),
  /** Alerts: how often the notification fan-out, webhook deliveries and mail job run (milliseconds). */
  ALERTS_JOB_EVERY_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** Webhooks: attempts per delivery before giving up (the first try included). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** Webhooks: delay before the first retry; each further retry waits 4× longer (capped at one day). */
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(30_000),
  /** Webhooks: timeout of one outgoing call, connection to last byte (milliseconds). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Webhooks: allow private, loopback and link-local target addresses (tests, intranets); refused by default (SSRF). */
  WEBHOOK_ALLOW_PRIVATE: z.union([z.boolean(), z.enum(['true', 'false'])]).default(false).transform((v) => v === true || v === 'true'),
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
