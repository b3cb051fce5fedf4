import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Per-client rate limits on search, reader and downloads (abuse limits). */
export function installAbuseLimits(_app: FastifyInstance, _services: Services): void {}
