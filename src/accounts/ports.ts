import type { Principal } from './principal.js';
import type {
  Actor,
  ApiToken,
  Membership,
  MembershipRole,
  MembershipWithOrg,
  OneTimePurpose,
  Organisation,
  OrgKind,
  Person,
  PersonStatus,
  SessionRecord,
  ThrottleState,
} from './model.js';

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

export interface NewPerson {
  email: string;
  name: string;
  passwordHash: string | null;
  isAdmin?: boolean;
  emailVerifiedAt?: string | null;
}

export interface PersonPatch {
  name?: string;
  email?: string;
  isAdmin?: boolean;
  status?: PersonStatus;
  emailVerifiedAt?: string | null;
}

export interface NewOrganisation {
  kind: OrgKind;
  subkind: string;
  code: string;
  nameZh?: string | null;
  nameEn?: string | null;
  parentId?: string | null;
  secretariatOrgId?: string | null;
  convenorPersonId?: string | null;
}

export type OrganisationPatch = Partial<Omit<NewOrganisation, 'kind'>>;

export interface NewMembership {
  personId?: string | null;
  memberOrgId?: string | null;
  orgId: string;
  role: MembershipRole;
  membershipType?: 'P' | 'O' | null;
}

export interface NewApiToken {
  personId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
}

/**
 * Storage of the accounts domain. Every mutation that changes what a person is or may do writes its event in the
 * same transaction (ctx.actor); events never carry password hashes or token values. Bookkeeping writes
 * (last-seen times, throttle counters, outbox rows) write no event.
 */
export interface AccountsStore {
  createPerson(p: NewPerson, ctx: Actor): Promise<Person>;
  getPerson(id: string): Promise<Person | null>;
  /** Looks up by address (case-insensitively: addresses are stored lower-cased). */
  findPersonByEmail(email: string): Promise<Person | null>;
  passwordHashOf(id: string): Promise<string | null>;
  listPeople(q: { search?: string; limit: number; offset: number }): Promise<{ total: number; items: Person[] }>;
  updatePerson(id: string, patch: PersonPatch, ctx: Actor & { verb?: string }): Promise<Person>;
  /** Sets the password hash and deletes the person's sessions except `keepSession` (event `verb`). */
  setPassword(id: string, hash: string, ctx: Actor & { verb: 'password.reset' | 'password.changed'; keepSession?: string }): Promise<void>;

  createOrg(o: NewOrganisation, ctx: Actor): Promise<Organisation>;
  updateOrg(id: string, patch: OrganisationPatch, ctx: Actor): Promise<Organisation>;
  getOrg(id: string): Promise<Organisation | null>;
  orgByCode(kind: OrgKind, code: string): Promise<Organisation | null>;
  listOrgs(kind?: OrgKind): Promise<Organisation[]>;

  grantMembership(m: NewMembership, ctx: Actor): Promise<Membership>;
  revokeMembership(id: string, ctx: Actor): Promise<void>;
  getMembership(id: string): Promise<Membership | null>;
  /** The person's own memberships with their organisations. */
  membershipsOf(personId: string): Promise<MembershipWithOrg[]>;
  /** Members (people and member bodies) of an organisation. */
  membersOf(orgId: string): Promise<Membership[]>;

  createSession(s: SessionRecord, ctx: Actor): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | null>;
  touchSession(idHash: string, at: string): Promise<void>;
  /** Deletes one session; `signedOut` writes session.signed_out (expired sessions are removed silently). */
  deleteSession(idHash: string, ctx: Actor & { signedOut: boolean }): Promise<void>;
  deleteSessionsOf(personId: string, exceptIdHash?: string): Promise<number>;

  createToken(t: NewApiToken, ctx: Actor): Promise<ApiToken>;
  tokenByHash(hash: string): Promise<ApiToken | null>;
  getToken(id: string): Promise<ApiToken | null>;
  listTokens(personId: string): Promise<ApiToken[]>;
  revokeToken(id: string, at: string, ctx: Actor): Promise<void>;
  touchToken(id: string, at: string): Promise<void>;

  getThrottle(key: string): Promise<ThrottleState | null>;
  putThrottle(s: ThrottleState): Promise<void>;
  clearThrottle(key: string): Promise<void>;

  createOneTimeToken(t: { tokenHash: string; purpose: OneTimePurpose; personId: string; createdAt: string; expiresAt: string }): Promise<void>;
  /** Marks an unused, unexpired token used (once, atomically); returns its person or null. */
  consumeOneTimeToken(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<string | null>;

  /**
   * Housekeeping (no events: nothing a person did): deletes sessions past their absolute expiry or idle since
   * before `idleBefore`, one-time links used or expired, and throttle rows quiet since before `quietBefore`.
   */
  purgeExpired(opts: { now: string; idleBefore: string; quietBefore: string }): Promise<{ sessions: number; links: number; throttles: number }>;
}

/**
 * Single sign-on through an external identity provider (OpenID Connect). Not implemented yet: an adapter would
 * redirect to the provider (authorizationUrl), exchange the code on return (complete) and map the verified
 * claims to a person — matching on a verified e-mail address, never on an unverified one — after which the usual
 * session is created, so the rest of the application sees an ordinary signed-in Principal.
 */
export interface IdentityProvider {
  /** Stable name shown on the sign-in page ('oidc:corp'). */
  readonly name: string;
  /** The provider URL to send the browser to; `state` and `nonce` are bound to the pre-session. */
  authorizationUrl(opts: { state: string; nonce: string; redirectUri: string }): Promise<string>;
  /** Exchanges the authorization code; resolves the verified identity or throws invalid_credentials. */
  complete(opts: { code: string; state: string; nonce: string; redirectUri: string }): Promise<{ subject: string; email: string; emailVerified: boolean; name: string }>;
}
