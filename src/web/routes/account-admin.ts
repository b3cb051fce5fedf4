import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/container.js';
import { addMember, createOrganisation, setPersonFlags, updateOrganisation, type OrgInput } from '../../accounts/admin.js';
import { isMembershipRole, MEMBERSHIP_ROLES, ORG_KINDS, type Organisation, type OrgKind } from '../../accounts/model.js';
import { actorOf } from '../../accounts/principal.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import { pageContext } from '../context.js';
import { csrfField } from '../csrf.js';
import { sendHtml } from '../respond.js';
import { formErrorText } from '../views/account-common.js';
import { orgListPage, orgPage, type MemberView, type OrgFormValues } from '../views/admin-orgs.js';
import { outboxPage, peopleListPage, personPage } from '../views/admin-people.js';
import { doneNotice, field, queryParam, safeNext, seeOther } from './account.js';

const PAGE_SIZE = 50;
const ID = /^[0-9a-f-]{36}$/;
const PEOPLE = { config: { policy: { action: 'account.manage' as const } } };
const ORGS = { config: { policy: { action: 'org.manage' as const } } };

/** A path id that can be a stored id (uuid); anything else is not found without a query. */
function idParam(v: string): string {
  if (!ID.test(v)) throw new AppError('not_found');
  return v;
}

function orgInput(req: FastifyRequest): OrgInput {
  return {
    kind: field(req, 'kind', 20),
    subkind: field(req, 'subkind', 20),
    code: field(req, 'code', 200),
    nameZh: field(req, 'name_zh', 400),
    nameEn: field(req, 'name_en', 400),
    parentId: field(req, 'parent_id', 100),
    secretariatOrgId: field(req, 'secretariat_org_id', 100),
    convenorEmail: field(req, 'convenor_email', 300),
  };
}

/** Administration of people, organisations (publishers, committees, enterprises) and the dev mail outbox. */
export function accountAdminRoutes(app: FastifyInstance, services: Services): void {
  const store = services.accounts.store;
  const base = (services.config.PUBLIC_URL ?? `http://localhost:${services.config.PORT}`).replace(/\/+$/, '');

  const showPeople = async (req: FastifyRequest, reply: FastifyReply, status: number, error?: string) => {
    const ctx = pageContext(req, reply, services);
    const q = queryParam(req, 'q', 100);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(queryParam(req, 'page', 6), 10) || 1));
    const list = await store.listPeople({ search: q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    return sendHtml(reply, peopleListPage(ctx, csrfField(req), { ...list, q, page, pageSize: PAGE_SIZE }, { error, notice: doneNotice(ctx, req) }), status);
  };

  app.get('/admin/people', PEOPLE, async (req, reply) => showPeople(req, reply, 200));

  app.post('/admin/people', PEOPLE, async (req, reply) => {
    try {
      const person = await services.accounts.createPerson(
        { email: field(req, 'email', 300), name: field(req, 'name', 300), password: field(req, 'password', 1000), admin: field(req, 'admin', 5) === '1' },
        actorOf(req.principal),
      );
      // Without a password the person sets one from a mailed link.
      if (!(await store.passwordHashOf(person.id))) await services.accounts.requestReset(person.email, (t) => `${base}/password/reset?token=${encodeURIComponent(t)}`);
      return seeOther(reply, `/admin/people/${person.id}?done=saved`);
    } catch (err) {
      if (!isAppError(err)) throw err;
      return showPeople(req, reply, err.code === 'conflict' ? 409 : 400, formErrorText(pageContext(req, reply, services), err));
    }
  });

  const showPerson = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, status: number, error?: string) => {
    const ctx = pageContext(req, reply, services);
    const person = await store.getPerson(idParam(req.params.id));
    if (!person) throw new AppError('not_found');
    return sendHtml(reply, personPage(ctx, csrfField(req), person, await store.membershipsOf(person.id), { error, notice: doneNotice(ctx, req) }), status);
  };

  app.get<{ Params: { id: string } }>('/admin/people/:id', PEOPLE, async (req, reply) => showPerson(req, reply, 200));

  const personAction = (path: string, run: (req: FastifyRequest<{ Params: { id: string } }>, id: string) => Promise<unknown>) =>
    app.post<{ Params: { id: string } }>(`/admin/people/:id/${path}`, PEOPLE, async (req, reply) => {
      const id = idParam(req.params.id);
      try {
        await run(req, id);
      } catch (err) {
        if (!isAppError(err) || err.code === 'not_found') throw err;
        return showPerson(req, reply, err.code === 'conflict' ? 409 : 400, formErrorText(pageContext(req, reply, services), err));
      }
      return seeOther(reply, `/admin/people/${id}?done=saved`);
    });

  personAction('status', (req, id) =>
    setPersonFlags(store, id, { status: field(req, 'status', 10) === 'disabled' ? 'disabled' : 'active' }, req.principal.userId!),
  );
  personAction('admin', (req, id) => setPersonFlags(store, id, { isAdmin: field(req, 'admin', 2) === '1' }, req.principal.userId!));
  personAction('memberships', async (req, id) => {
    const role = field(req, 'role', 40);
    const code = field(req, 'org', 200).trim();
    if (!code) throw new AppError('invalid_input', 'Organisation code required', { field: 'org' });
    const person = await store.getPerson(id);
    if (!person) throw new AppError('not_found');
    if (!isMembershipRole(role)) throw new AppError('invalid_input', 'Unknown role', { field: 'role' });
    const org = await store.orgByCode(MEMBERSHIP_ROLES[role], code);
    if (!org) throw new AppError('invalid_input', `No ${MEMBERSHIP_ROLES[role]} with code ${code.slice(0, 60)}`, { field: 'org' });
    await addMember(store, org.id, { email: person.email, role, membershipType: field(req, 'membership_type', 2) }, actorOf(req.principal));
  });

  app.post<{ Params: { id: string } }>('/admin/memberships/:id/revoke', PEOPLE, async (req, reply) => {
    await store.revokeMembership(idParam(req.params.id), { actor: actorOf(req.principal) });
    return seeOther(reply, `${safeNext(field(req, 'back', 200)) ?? '/admin/people'}?done=saved`);
  });

  const orgValues = (o: Organisation, convenorEmail: string | null): OrgFormValues => ({ ...o, convenorEmail });

  const showOrgs = async (req: FastifyRequest, reply: FastifyReply, kind: OrgKind, status: number, error?: string, values?: OrgFormValues) => {
    const ctx = pageContext(req, reply, services);
    return sendHtml(reply, orgListPage(ctx, csrfField(req), kind, await store.listOrgs(), { error, values, notice: doneNotice(ctx, req) }), status);
  };

  app.get('/admin/orgs', ORGS, async (req, reply) => showOrgs(req, reply, ORG_KINDS.find((k) => k === queryParam(req, 'kind', 20)) ?? 'publisher', 200));

  app.post('/admin/orgs', ORGS, async (req, reply) => {
    const input = orgInput(req);
    try {
      const org = await createOrganisation(store, input, actorOf(req.principal));
      return seeOther(reply, `/admin/orgs?kind=${org.kind}&done=saved`);
    } catch (err) {
      if (!isAppError(err)) throw err;
      const kind = ORG_KINDS.find((k) => k === input.kind) ?? 'publisher';
      return showOrgs(req, reply, kind, err.code === 'conflict' ? 409 : 400, formErrorText(pageContext(req, reply, services), err), { ...input, code: input.code });
    }
  });

  const showOrg = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, status: number, error?: string) => {
    const ctx = pageContext(req, reply, services);
    const org = await store.getOrg(idParam(req.params.id));
    if (!org) throw new AppError('not_found');
    const all = await store.listOrgs();
    const byId = new Map(all.map((o) => [o.id, o]));
    const members: MemberView[] = [];
    for (const m of await store.membersOf(org.id)) {
      const p = m.personId ? await store.getPerson(m.personId) : null;
      const body = m.memberOrgId ? byId.get(m.memberOrgId) : undefined;
      members.push({ m, label: p ? `${p.name} <${p.email}>` : (body?.code ?? '') });
    }
    const convenor = org.convenorPersonId ? await store.getPerson(org.convenorPersonId) : null;
    return sendHtml(reply, orgPage(ctx, csrfField(req), org, all, members, orgValues(org, convenor?.email ?? null), { error, notice: doneNotice(ctx, req) }), status);
  };

  app.get<{ Params: { id: string } }>('/admin/orgs/:id', ORGS, async (req, reply) => showOrg(req, reply, 200));

  const orgAction = (path: string, run: (req: FastifyRequest<{ Params: { id: string } }>, id: string) => Promise<unknown>) =>
    app.post<{ Params: { id: string } }>(`/admin/orgs/:id${path}`, ORGS, async (req, reply) => {
      const id = idParam(req.params.id);
      try {
        await run(req, id);
      } catch (err) {
        if (!isAppError(err) || err.code === 'not_found') throw err;
        return showOrg(req, reply, err.code === 'conflict' ? 409 : 400, formErrorText(pageContext(req, reply, services), err));
      }
      return seeOther(reply, `/admin/orgs/${id}?done=saved`);
    });

  orgAction('', (req, id) => updateOrganisation(store, id, orgInput(req), actorOf(req.principal)));
  orgAction('/members', (req, id) =>
    addMember(store, id, { email: field(req, 'email', 300), body: field(req, 'body', 200), role: field(req, 'role', 40), membershipType: field(req, 'membership_type', 2) }, actorOf(req.principal)),
  );

  app.get('/dev/outbox', PEOPLE, async (req, reply) => {
    const ctx = pageContext(req, reply, services);
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, outboxPage(ctx, await services.mail.outbox.list({ limit: 100 })));
  });
}
