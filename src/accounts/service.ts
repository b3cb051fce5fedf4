import type { JobDefinition } from '../jobs/ports.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { Mailer } from '../mail/ports.js';
import { heldActions } from './actions.js';
import { grantsOf } from './grants.js';
import { resetMail, verificationMail } from './mails.js';
import type { ApiToken, MembershipRole, OrgKind, Person } from './model.js';
import { MEMBERSHIP_ROLES } from './model.js';
import { can } from './policy.js';
import type { AccountsStore, AuthRequest, Authenticator } from './ports.js';
import { ANONYMOUS, actorOf, type Grant, type Principal } from './principal.js';
import { API_TOKEN_PREFIX, dummyHash, hashPassword, newApiToken, randomSecret, sha256, verifyPassword } from './secrets.js';
import { afterFailure, lockedUntil } from './throttle.js';
import { LIMITS, validEmail, validName, validPassword } from './validate.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'sid';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Validity of one-time links. */
export const LINK_TTL = { verify: 2 * DAY, reset: 60 * MIN } as const;
/** last_seen_at is written at most this often per session/token (not on every request). */
const TOUCH_EVERY = MIN;
/** API token lifetime bounds in days. */
export const TOKEN_DAYS = { min: 1, max: 366, default: 90 } as const;

export interface AccountsOptions {
  idleMinutes: number;
  maxDays: number;
}

/** Reads one cookie from a Cookie header (RFC 6265 §5.4). */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The result of a successful sign-in: the new session cookie value and its CSRF token. */
export interface SignedIn {
  sid: string;
  csrfToken: string;
  person: Person;
  expiresAt: string;
}

/**
 * Accounts use cases: sign-in with throttling and session rotation, sessions and API tokens as an Authenticator,
 * registration with e-mail verification, password reset, tokens, and the administration of people,
 * organisations and memberships. Every mutation goes through the store, which writes its event.
 */
export class AccountsService {
  /** The Authenticator port (services.auth). */
  readonly authenticator: Authenticator;

  constructor(
    readonly store: AccountsStore,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly opts: AccountsOptions,
  ) {
    this.authenticator = { authenticate: (req) => this.authenticate(req) };
  }

  private now(): Date {
    return this.clock.now();
  }

  /** The grants a person holds now (derived from their memberships and admin flag). */
  async grantsFor(person: Person): Promise<Grant[]> {
    return grantsOf(person, await this.store.membershipsOf(person.id));
  }

  /** Resolves the principal of a request: a bearer token wins over the session cookie. */
  async authenticate(req: AuthRequest): Promise<Principal> {
    const auth = req.authorization?.trim();
    if (auth && /^bearer\s/i.test(auth)) return this.fromToken(auth.slice(6).trim());
    const sid = cookieFrom(req.cookie, SESSION_COOKIE);
    if (!sid || sid.length > 100) return ANONYMOUS;
    return (await this.fromSession(sid)) ?? ANONYMOUS;
  }

  private async fromToken(token: string): Promise<Principal> {
    if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 100) throw new AppError('invalid_token');
    const row = await this.store.tokenByHash(sha256(token));
    const now = this.now();
    if (!row || row.revokedAt || (row.expiresAt && new Date(row.expiresAt) <= now)) throw new AppError('invalid_token');
    const person = await this.store.getPerson(row.personId);
    if (!person || person.status !== 'active') throw new AppError('invalid_token');
    if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() > TOUCH_EVERY) await this.store.touchToken(row.id, now.toISOString());
    return { kind: 'token', userId: person.id, name: person.name, grants: await this.grantsFor(person), tokenScopes: row.scopes };
  }

  private async fromSession(sid: string): Promise<Principal | null> {
    const idHash = sha256(sid);
    const s = await this.store.getSession(idHash);
    if (!s) return null;
    const now = this.now();
    const idleEnd = new Date(s.lastSeenAt).getTime() + this.opts.idleMinutes * MIN;
    if (now.getTime() >= idleEnd || now >= new Date(s.expiresAt)) {
      await this.store.deleteSession(idHash, { actor: 'system:session-expiry', signedOut: false });
      return null;
    }
    const person = await this.store.getPerson(s.personId);
    if (!person || person.status !== 'active') return null;
    if (now.getTime() - new Date(s.lastSeenAt).getTime() > TOUCH_EVERY) await this.store.touchSession(idHash, now.toISOString());
    return { kind: 'user', userId: person.id, name: person.name, grants: await this.grantsFor(person), sessionId: idHash, csrfToken: s.csrfToken };
  }

  /** Throws rate_limited (with retryAt) when the address or the client is locked out of sign-in. */
  private async checkThrottle(keys: string[]): Promise<void> {
    const now = this.now();
    let until: Date | null = null;
    for (const key of keys) {
      const u = lockedUntil(await this.store.getThrottle(key), now);
      if (u && (!until || u > until)) until = u;
    }
    if (until)
      throw new AppError('rate_limited', 'Too many failed sign-in attempts', {
        retryAt: until.toISOString(),
        retryAfterSeconds: Math.ceil((until.getTime() - now.getTime()) / 1000),
      });
  }

  /**
   * Signs in with e-mail and password. Refused while throttled (even with the right password); a failure counts
   * against the address and the client. On success any previous session of this browser (oldSid) is ended and a
   * new session id is issued (no session fixation).
   */
  async login(input: { email: string; password: string; ip: string; userAgent?: string; oldSid?: string }): Promise<SignedIn> {
    const email = typeof input.email === 'string' ? input.email.trim().toLowerCase().slice(0, LIMITS.email) : '';
    const keys = [`email:${email}`, `ip:${input.ip}`];
    await this.checkThrottle(keys);
    const person = email ? await this.store.findPersonByEmail(email) : null;
    const stored = person ? await this.store.passwordHashOf(person.id) : null;
    const password = typeof input.password === 'string' ? input.password.slice(0, 1000) : '';
    // Verify against a dummy hash when there is no account, so timing does not reveal which addresses exist.
    const ok = (await verifyPassword(stored ?? (await dummyHash()), password)) && !!stored && person!.status === 'active';
    if (!ok || !person) {
      const now = this.now();
      for (const key of keys) await this.store.putThrottle(afterFailure(await this.store.getThrottle(key), key, now));
      throw new AppError('invalid_credentials');
    }
    if (!person.emailVerifiedAt) throw new AppError('email_not_verified');
    await this.store.clearThrottle(keys[0]);
    if (input.oldSid && input.oldSid.length <= 100) await this.store.deleteSession(sha256(input.oldSid), { actor: actorOf({ ...ANONYMOUS, userId: person.id }), signedOut: false });
    return this.startSession(person, input.ip, input.userAgent);
  }

  private async startSession(person: Person, ip: string | null, userAgent?: string): Promise<SignedIn> {
    const now = this.now();
    const sid = randomSecret(32);
    const csrfToken = randomSecret(32);
    const expiresAt = new Date(now.getTime() + this.opts.maxDays * DAY).toISOString();
    await this.store.createSession(
      { idHash: sha256(sid), personId: person.id, csrfToken, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt, ip, userAgent: userAgent?.slice(0, 300) ?? null },
      { actor: `user:${person.id}` },
    );
    return { sid, csrfToken, person, expiresAt };
  }

  /** Ends the principal's session (session.signed_out). */
  async logout(p: Principal): Promise<void> {
    if (p.kind === 'user' && p.sessionId) await this.store.deleteSession(p.sessionId, { actor: actorOf(p), signedOut: true });
  }

  /** Registers a person (unverified) and mails a verification link built by `link(token)`. */
  async register(input: { email: unknown; name: unknown; password: unknown }, link: (token: string) => string): Promise<Person> {
    const email = validEmail(input.email);
    const name = validName(input.name);
    const password = validPassword(input.password);
    const person = await this.store.createPerson({ email, name, passwordHash: await hashPassword(password) }, { actor: 'anonymous' });
    await this.sendVerification(person, link);
    return person;
  }

  /** Mails a new verification link. */
  async sendVerification(person: Person, link: (token: string) => string): Promise<void> {
    const token = await this.oneTimeToken(person.id, 'verify');
    await this.mailer.send(verificationMail(person.email, person.name, link(token)));
  }

  private async oneTimeToken(personId: string, purpose: 'verify' | 'reset'): Promise<string> {
    const token = randomSecret(32);
    const now = this.now();
    await this.store.createOneTimeToken({ tokenHash: sha256(token), purpose, personId, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + LINK_TTL[purpose]).toISOString() });
    return token;
  }

  /** Marks the address verified (email.verified); throws invalid_token for an unknown, used or expired link. */
  async verifyEmail(token: unknown): Promise<Person> {
    if (typeof token !== 'string' || !token || token.length > 100) throw new AppError('invalid_token', 'This link is not valid');
    const personId = await this.store.consumeOneTimeToken(sha256(token), 'verify', this.now().toISOString());
    if (!personId) throw new AppError('invalid_token', 'This link is not valid, was used or has expired');
    return this.store.updatePerson(personId, { emailVerifiedAt: this.now().toISOString() }, { actor: `user:${personId}`, verb: 'email.verified' });
  }

  /** Mails a reset link when the address belongs to an active person; silent otherwise (no enumeration). */
  async requestReset(email: unknown, link: (token: string) => string): Promise<void> {
    const addr = validEmail(email);
    const person = await this.store.findPersonByEmail(addr);
    if (!person || person.status !== 'active') return;
    const token = await this.oneTimeToken(person.id, 'reset');
    await this.mailer.send(resetMail(person.email, person.name, link(token)));
  }

  /**
   * Sets a new password from a reset link (password.reset) and ends all the person's sessions; receiving the
   * mail also proves the address, so it counts as verified.
   */
  async resetPassword(token: unknown, password: unknown): Promise<Person> {
    const pw = validPassword(password);
    if (typeof token !== 'string' || !token || token.length > 100) throw new AppError('invalid_token', 'This link is not valid');
    const personId = await this.store.consumeOneTimeToken(sha256(token), 'reset', this.now().toISOString());
    if (!personId) throw new AppError('invalid_token', 'This link is not valid, was used or has expired');
    await this.store.setPassword(personId, await hashPassword(pw), { actor: `user:${personId}`, verb: 'password.reset' });
    let person = (await this.store.getPerson(personId))!;
    if (!person.emailVerifiedAt) person = await this.store.updatePerson(personId, { emailVerifiedAt: this.now().toISOString() }, { actor: `user:${personId}`, verb: 'email.verified' });
    for (const key of [`email:${person.email}`]) await this.store.clearThrottle(key);
    return person;
  }

  /** Changes the signed-in person's password (current one required); their other sessions end. */
  async changePassword(p: Principal, current: unknown, next: unknown): Promise<void> {
    if (!p.userId) throw new AppError('unauthenticated');
    const pw = validPassword(next, 'new_password');
    const stored = await this.store.passwordHashOf(p.userId);
    if (!stored || typeof current !== 'string' || !(await verifyPassword(stored, current.slice(0, 1000))))
      throw new AppError('invalid_credentials', 'The current password is wrong', { field: 'current_password' });
    await this.store.setPassword(p.userId, await hashPassword(pw), { actor: actorOf(p), verb: 'password.changed', keepSession: p.sessionId });
  }

  /** Updates the signed-in person's display name. */
  async updateProfile(p: Principal, input: { name: unknown }): Promise<Person> {
    if (!p.userId) throw new AppError('unauthenticated');
    return this.store.updatePerson(p.userId, { name: validName(input.name) }, { actor: actorOf(p) });
  }

  /**
   * Creates an API token for the principal's person: scopes must be actions the principal holds (a token can
   * never do more than its creator, nor more than the token used to create it). Returns the plain token once.
   */
  async createToken(p: Principal, input: { name: unknown; scopes: unknown; expiresInDays?: unknown }): Promise<{ token: string; info: ApiToken }> {
    if (!p.userId) throw new AppError('unauthenticated');
    const name = validName(input.name, 'name', LIMITS.tokenName);
    const raw = Array.isArray(input.scopes) ? input.scopes : typeof input.scopes === 'string' ? [input.scopes] : [];
    const held = new Set<string>(heldActions(p));
    const scopes = [...new Set(raw.filter((s): s is string => typeof s === 'string'))];
    if (!scopes.length || scopes.length > 100) throw new AppError('invalid_input', 'Choose at least one scope', { field: 'scopes', reason: 'required' });
    const notHeld = scopes.filter((s) => !held.has(s));
    if (notHeld.length) throw new AppError('forbidden', 'A token can only carry actions you hold', { field: 'scopes', notHeld: notHeld.slice(0, 20) });
    const days = input.expiresInDays === undefined || input.expiresInDays === '' ? TOKEN_DAYS.default : Number(input.expiresInDays);
    if (!Number.isInteger(days) || days < TOKEN_DAYS.min || days > TOKEN_DAYS.max)
      throw new AppError('invalid_input', `Expiry is ${TOKEN_DAYS.min} to ${TOKEN_DAYS.max} days`, { field: 'expiresInDays', reason: 'range' });
    const t = newApiToken();
    const expiresAt = new Date(this.now().getTime() + days * DAY).toISOString();
    const info = await this.store.createToken({ personId: p.userId, name, tokenHash: t.hash, prefix: t.prefix, scopes, expiresAt }, { actor: actorOf(p) });
    return { token: t.token, info };
  }

  /** Revokes one of the principal's own tokens (admins may revoke anyone's); effective on the next request. */
  async revokeToken(p: Principal, id: string): Promise<void> {
    const t = await this.store.getToken(id);
    if (!t || (t.personId !== p.userId && !can(p, 'account.manage'))) throw new AppError('not_found', 'No such token');
    await this.store.revokeToken(id, this.now().toISOString(), { actor: actorOf(p) });
  }

  /** Housekeeping for a scheduled job: removes expired sessions, one-time links and stale throttle rows. */
  async purgeExpired(): Promise<{ sessions: number; links: number; throttles: number }> {
    const now = this.now().getTime();
    return this.store.purgeExpired({
      now: new Date(now).toISOString(),
      idleBefore: new Date(now - this.opts.idleMinutes * MIN).toISOString(),
      quietBefore: new Date(now - DAY).toISOString(),
    });
  }

  /** The hourly housekeeping job (src/jobs): purgeExpired, so dead sessions and used links do not pile up. */
  jobDefinition(): JobDefinition {
    return {
      name: 'accounts.purge',
      everyMs: 60 * MIN,
      run: async () => {
        const r = await this.purgeExpired();
        return { changed: r.sessions + r.links + r.throttles };
      },
    };
  }

  /** Creates a person as an administrator or the CLI would: the address counts as verified. */
  async createPerson(input: { email: unknown; name: unknown; password?: unknown; admin?: boolean }, actor: string): Promise<Person> {
    const email = validEmail(input.email);
    const name = validName(input.name);
    const hash = input.password === undefined || input.password === '' ? null : await hashPassword(validPassword(input.password));
    return this.store.createPerson({ email, name, passwordHash: hash, isAdmin: !!input.admin, emailVerifiedAt: this.now().toISOString() }, { actor });
  }

  /** Grants a person a role in the organisation of the right kind with this code (membership.granted). */
  async grantRole(personId: string, role: MembershipRole, orgCode: string, actor: string, membershipType?: 'P' | 'O' | null): Promise<void> {
    const kind: OrgKind = MEMBERSHIP_ROLES[role];
    const org = await this.store.orgByCode(kind, orgCode);
    if (!org) throw new AppError('not_found', `No ${kind} with code ${orgCode.slice(0, LIMITS.orgCode)}`, { field: 'org' });
    await this.store.grantMembership({ personId, orgId: org.id, role, membershipType: role === 'committee_member' ? (membershipType ?? 'P') : null }, { actor });
  }
}
