import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/container.js';
import { authorize, scopesFor } from '../../accounts/policy.js';
import { actorOf } from '../../accounts/principal.js';
import { primaryIdentifier } from '../../catalogue/model.js';
import { AppError } from '../../kernel/errors.js';
import { FakeClock } from '../../kernel/clock.js';
import { isCalendarDate } from '../../lifecycle/compute.js';
import { disclosureDeadlines, overdueReviews } from '../../lifecycle/worklists.js';
import { pageContext } from '../context.js';
import { csrfField } from '../csrf.js';
import { sendHtml } from '../respond.js';
import { deadlinesPage, reviewsPage } from '../views/lifecycle.js';

const MANAGE = { policy: { action: 'lifecycle.manage' as const } };

const confirmForm = z.object({ id: z.string().min(1).max(200), date: z.string().max(10) }).passthrough();

/**
 * Routes of the lifecycle: the editors' disclosure-deadline dashboard and overdue-review list (scoped to the
 * publishers the editor works for), confirming a review. The scheduled jobs start when the server listens
 * (JOBS=on) — never under app.inject, so tests drive the scheduler themselves with runDue(now).
 */
export function lifecycleRoutes(app: FastifyInstance, services: Services): void {
  // A fake clock never advances by itself: tests that listen (browser tests) drive the jobs with runDue(now).
  if (services.config.JOBS === 'on' && !(services.clock instanceof FakeClock)) app.addHook('onListen', async () => services.jobs.start());
  app.addHook('onClose', async () => services.jobs.close());

  app.get('/editor/deadlines', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const scope = scopesFor(req.principal, 'lifecycle.manage', 'publisher');
    const today = services.lifecycle.dayOf(ctx.now);
    const r = await disclosureDeadlines(services.db, services.lifecycle, { scope, today });
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, deadlinesPage(ctx, { ...r, scope, today, calendarNames: services.lifecycle.calendar.names }));
  });

  app.get('/editor/reviews', { config: MANAGE }, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    const scope = scopesFor(req.principal, 'lifecycle.manage', 'publisher');
    const today = services.lifecycle.dayOf(ctx.now);
    const r = await overdueReviews(services.db, services.lifecycle, { scope, today });
    const done = ctx.query.get('confirmed');
    let notice: string | undefined;
    if (done && done.length <= 200) {
      const rec = await services.catalogue.get(done);
      const number = rec ? primaryIdentifier(rec).value : null;
      const date = ctx.query.get('date');
      if (number && isCalendarDate(date)) notice = ctx.t('lifecycle.reviews.confirmed', { number, date });
    }
    reply.header('cache-control', 'private, no-store');
    return sendHtml(reply, reviewsPage(ctx, { ...r, years: services.config.REVIEW_YEARS, scope, today, csrf: csrfField(req), notice }));
  });

  /** Records a 'reviewed' fact (the standard was confirmed): the review clock restarts from that date. */
  app.post('/editor/reviews/confirm', { config: MANAGE }, async (req, reply) => {
    const f = confirmForm.safeParse(req.body ?? {});
    if (!f.success) throw new AppError('invalid_input', 'Invalid form fields');
    if (!isCalendarDate(f.data.date)) throw new AppError('invalid_input', 'The confirmation date must be YYYY-MM-DD');
    const record = await services.catalogue.get(f.data.id);
    if (!record) throw new AppError('standard_not_found');
    authorize(req.principal, 'lifecycle.manage', { publisher: record.body });
    if (f.data.date > services.lifecycle.dayOf()) throw new AppError('invalid_input', 'A review cannot be confirmed in the future');
    await services.lifecycle.record([{ stdId: record.id, type: 'reviewed', date: f.data.date, source: 'editor' }], actorOf(req.principal));
    return reply.redirect(`/editor/reviews?confirmed=${encodeURIComponent(record.id)}&date=${f.data.date}`, 303);
  });
}
