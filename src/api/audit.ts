import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Routes of the API: audit log. */
export function auditApi(_app: FastifyInstance, _services: Services): void {}
