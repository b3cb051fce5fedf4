import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';

/** Routes of the approval bulletins: public pages, index, Atom feed, editor assembly. */
export function bulletinRoutes(_app: FastifyInstance, _services: Services): void {}
