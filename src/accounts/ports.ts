import type { Principal } from './principal.js';

/** What the authenticator sees of a request (no Fastify types in the domain). */
export interface AuthRequest {
  cookie?: string;
  authorization?: string;
  ip: string;
  userAgent?: string;
}

/**
 * Resolves who is asking: a server-side session (cookie) or an API token (Authorization: Bearer …); anonymous
 * when neither is present. A bearer token that is unknown, expired or revoked throws invalid_token (401): a
 * machine client must learn at once that its token stopped working. A stale session cookie is just anonymous.
 * OIDC single sign-on is a later adapter of this port.
 */
export interface Authenticator {
  authenticate(req: AuthRequest): Promise<Principal>;
}
