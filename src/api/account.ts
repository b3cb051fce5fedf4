import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../app/container.js';
import type { ApiToken } from '../accounts/model.js';
import { TOKEN_DAYS } from '../accounts/service.js';
import { LIMITS } from '../accounts/validate.js';
import { AppError } from '../kernel/errors.js';

const createBody = z.object({
  name: z.string().min(1).max(LIMITS.tokenName),
  scopes: z.array(z.string().max(100)).min(1).max(100),
  expiresInDays: z.number().int().min(TOKEN_DAYS.min).max(TOKEN_DAYS.max).optional(),
});

/** A token as the API shows it (never its value or hash). */
function tokenJson(t: ApiToken) {
  return { id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes, createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt, lastUsedAt: t.lastUsedAt };
}

/** Routes of the API: /v1/me, /v1/tokens. */
export function accountApi(app: FastifyInstance, services: Services): void {
  const accounts = services.accounts;

  app.get('/v1/me', { config: { policy: 'signed_in' } }, async (req) => {
    const p = req.principal;
    const person = await accounts.store.getPerson(p.userId!);
    if (!person) throw new AppError('unauthenticated');
    return {
      id: person.id,
      email: person.email,
      name: person.name,
      emailVerified: !!person.emailVerifiedAt,
      via: p.kind === 'token' ? 'token' : 'session',
      grants: p.grants,
      ...(p.kind === 'token' ? { tokenScopes: p.tokenScopes ?? [] } : {}),
    };
  });

  app.get('/v1/tokens', { config: { policy: { action: 'token.manage' } } }, async (req) => ({
    items: (await accounts.store.listTokens(req.principal.userId!)).map(tokenJson),
  }));

  app.post('/v1/tokens', { config: { policy: { action: 'token.manage' } } }, async (req, reply) => {
    const parsed = createBody.safeParse(req.body);
    if (!parsed.success)
      throw new AppError('invalid_input', 'Body: { name, scopes: string[], expiresInDays? }', { problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    const { token, info } = await accounts.createToken(req.principal, parsed.data);
    // 200 rather than 201: the API's convention (plugin.test.ts) is a 200 answer with a body for every operation.
    reply.header('cache-control', 'no-store');
    return { token, ...tokenJson(info) };
  });

  app.delete<{ Params: { id: string } }>('/v1/tokens/:id', { config: { policy: { action: 'token.manage' } } }, async (req) => {
    const id = req.params.id.slice(0, 100);
    await accounts.revokeToken(req.principal, id);
    const t = await accounts.store.getToken(id);
    return tokenJson(t!);
  });
}

/** OpenAPI paths of the accounts API (merged into the document by openapi.ts). */
export function accountPaths(prefix: string): Record<string, unknown> {
  const err = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } } } });
  const token = {
    type: 'object',
    required: ['id', 'name', 'prefix', 'scopes', 'createdAt'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      prefix: { type: 'string', description: 'The first characters of the token, to recognise it' },
      scopes: { type: 'array', items: { type: 'string' }, description: 'Actions the token may perform' },
      createdAt: { type: 'string', format: 'date-time' },
      expiresAt: { type: ['string', 'null'], format: 'date-time' },
      revokedAt: { type: ['string', 'null'], format: 'date-time' },
      lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  };
  const auth = 'Authenticate with `Authorization: Bearer sth_…` (a personal API token) or the session cookie plus the `x-csrf-token` header for writes.';
  return {
    [`${prefix}/v1/me`]: {
      get: {
        operationId: 'getMe',
        summary: 'Who the caller is: person, grants, and for a token its scopes',
        description: auth,
        tags: ['accounts'],
        responses: {
          '200': { description: 'The caller', content: { 'application/json': { schema: { type: 'object', required: ['id', 'email', 'name', 'via', 'grants'], properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, emailVerified: { type: 'boolean' }, via: { type: 'string', enum: ['session', 'token'] }, grants: { type: 'array', items: { type: 'object' } }, tokenScopes: { type: 'array', items: { type: 'string' } } } } } } },
          '401': err('Not signed in, or the token is unknown, expired or revoked'),
        },
      },
    },
    [`${prefix}/v1/tokens`]: {
      get: {
        operationId: 'listTokens',
        summary: "The caller's API tokens (never their values)",
        description: auth,
        tags: ['accounts'],
        responses: { '200': { description: 'Tokens', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: token } } } } } }, '401': err('Not signed in') },
      },
      post: {
        operationId: 'createToken',
        summary: 'Create an API token; the plain token is in this response only',
        description: `${auth} Scopes must be actions the caller holds (and, when called with a token, that token's scopes).`,
        tags: ['accounts'],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['name', 'scopes'], properties: { name: { type: 'string', maxLength: LIMITS.tokenName }, scopes: { type: 'array', items: { type: 'string' }, minItems: 1 }, expiresInDays: { type: 'integer', minimum: TOKEN_DAYS.min, maximum: TOKEN_DAYS.max, default: TOKEN_DAYS.default } } } } },
        },
        responses: {
          '200': { description: 'Created', content: { 'application/json': { schema: { allOf: [token, { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }] } } } },
          '400': err('Invalid body'),
          '401': err('Not signed in'),
          '403': err('A scope is not held by the caller, or the CSRF token is missing'),
        },
      },
    },
    [`${prefix}/v1/tokens/{id}`]: {
      delete: {
        operationId: 'revokeToken',
        summary: 'Revoke one of your tokens (refused from the next request on)',
        description: auth,
        tags: ['accounts'],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 100 } }],
        responses: { '200': { description: 'The revoked token', content: { 'application/json': { schema: token } } }, '401': err('Not signed in'), '404': err('No such token of yours') },
      },
    },
  };
}
