import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';

/** Routes of the audit log: history tab, admin audit view, CSV export. */
export function auditRoutes(_app: FastifyInstance, _services: Services): void {}
