import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { AppError } from '../../kernel/errors.js';
import { pageContext } from '../context.js';
import { sendHtml } from '../respond.js';
import { classificationPage } from '../views/classification.js';

/** GET /ics, /ics/:code, /ccs, /ccs/:code — browse trees with standards counts. */
export function classificationRoutes(app: FastifyInstance, services: Services): void {
  const cls = services.classifications;
  for (const scheme of ['ics', 'ccs'] as const) {
    app.get(`/${scheme}`, { config: { policy: 'public' } }, async (req, reply) => {
      const ctx = pageContext(req, reply, services);
      const children = await cls.children(scheme, null);
      return sendHtml(reply, classificationPage(ctx, { scheme, code: null, count: null, ancestors: [], children }));
    });
    // CCS range codes contain '/' ('A00/09'): the wildcard route takes them when the slash is not encoded.
    const show = async (req: FastifyRequest, reply: FastifyReply, codeText: string) => {
      const code = codeText.length <= 40 ? await cls.get(scheme, codeText) : null;
      if (!code) throw new AppError('not_found');
      const ctx = pageContext(req, reply, services);
      const [ancestors, children, siblings] = await Promise.all([
        cls.ancestors(scheme, code.code),
        cls.children(scheme, code.code),
        cls.children(scheme, code.parent),
      ]);
      // The code's own count comes with it as a child of its parent.
      const count = siblings.find((s) => s.code === code.code)?.count ?? 0;
      return sendHtml(reply, classificationPage(ctx, { scheme, code, count, ancestors, children }));
    };
    app.get<{ Params: { code: string } }>(`/${scheme}/:code`, { config: { policy: 'public' } }, (req, reply) => show(req, reply, req.params.code.trim()));
    app.get<{ Params: { '*': string } }>(`/${scheme}/*`, { config: { policy: 'public' } }, (req, reply) => show(req, reply, req.params['*'].trim()));
  }
}
