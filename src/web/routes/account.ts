import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/container.js';

/** Routes of the accounts: sign-in/out, registration, e-mail verification, password reset, profile, API tokens, people/organisation/committee admin, dev mail outbox. */
export function accountRoutes(_app: FastifyInstance, _services: Services): void {}
