import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Session cookie handling and CSRF protection of state-changing requests (accounts domain). */
export function installAccountHooks(_app: FastifyInstance, _services: Services): void {}
