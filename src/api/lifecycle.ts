import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Routes of the API: status as of a date, reviews, deadlines. */
export function lifecycleApi(_app: FastifyInstance, _services: Services): void {}
