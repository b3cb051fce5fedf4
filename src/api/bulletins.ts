import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Routes of the API: bulletins. */
export function bulletinApi(_app: FastifyInstance, _services: Services): void {}
