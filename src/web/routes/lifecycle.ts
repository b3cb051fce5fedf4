import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';

/** Routes of the lifecycle: reviews due/overdue, disclosure deadlines dashboard, calendar. */
export function lifecycleRoutes(_app: FastifyInstance, _services: Services): void {}
