import type { FastifyReply } from 'fastify';
import type { SafeHtml } from './html.js';

/** Sends a rendered page as UTF-8 HTML. */
export function sendHtml(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page.value);
}
