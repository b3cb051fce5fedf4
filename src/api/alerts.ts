import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Routes of the API: watches, notifications, webhooks. */
export function alertApi(_app: FastifyInstance, _services: Services): void {}
