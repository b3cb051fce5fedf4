import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Routes of the API: /v1/me, /v1/tokens. */
export function accountApi(_app: FastifyInstance, _services: Services): void {}
