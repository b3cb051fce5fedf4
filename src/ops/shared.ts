import type { Config } from '../kernel/config.js';
import type { JobLock } from '../jobs/ports.js';
import type { RateLimitStore } from '../ratelimit/ports.js';
import { PgAdvisoryJobLock } from './pg-job-lock.js';
import { RedisRateLimitStore } from './redis-rate-limit.js';

/**
 * The adapters that make several app instances behave as one site, chosen by configuration: a PostgreSQL
 * advisory-lock JobLock when DATABASE_URL is set, a Redis RateLimitStore when REDIS_URL is set. null means "one
 * instance": the scheduler and the rate limiter then use their in-process implementations.
 */
export interface SharedOps {
  jobLock: (JobLock & { close(): Promise<void> }) | null;
  rateLimits: (RateLimitStore & { close(): Promise<void> }) | null;
}

/** Opens the shared adapters the configuration asks for (connections are made lazily / in the background). */
export function openSharedOps(config: Config): SharedOps {
  return {
    jobLock: config.DATABASE_URL ? new PgAdvisoryJobLock(config.DATABASE_URL) : null,
    rateLimits: config.REDIS_URL ? new RedisRateLimitStore(config.REDIS_URL) : null,
  };
}
