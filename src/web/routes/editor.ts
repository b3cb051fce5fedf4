import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';

/** Routes of the editorial back office: create/edit records, upload texts, disclosure, publish/withdraw, bulk import. */
export function editorRoutes(_app: FastifyInstance, _services: Services): void {}
