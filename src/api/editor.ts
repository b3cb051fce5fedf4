import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/container.js';

/** Routes of the API: editorial use cases. */
export function editorApi(_app: FastifyInstance, _services: Services): void {}
