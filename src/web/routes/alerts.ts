import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';

/** Routes of the watch lists, notifications, personal feed, webhooks. */
export function alertRoutes(_app: FastifyInstance, _services: Services): void {}
