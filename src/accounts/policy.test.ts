import { describe, expect, it } from 'vitest';
import { authorize, can, checkRoutePolicy, scopesFor } from './policy.js';
import { ANONYMOUS, type Principal } from './principal.js';

const editorSAC: Principal = {
  kind: 'user',
  userId: 'p1',
  name: 'Editor',
  grants: [{ role: 'user' }, { role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }],
};
const admin: Principal = { kind: 'user', userId: 'a1', name: 'Admin', grants: [{ role: 'user' }, { role: 'admin' }] };
const member: Principal = {
  kind: 'user',
  userId: 'm1',
  name: 'Member',
  grants: [{ role: 'user' }, { role: 'committee_member', scope: { kind: 'committee', id: 'SAC/TC 28' } }],
};

describe('policy', () => {
  it('scopes an editor to their publisher', () => {
    expect(can(editorSAC, 'standard.edit', { publisher: 'SAC' })).toBe(true);
    expect(can(editorSAC, 'standard.edit', { publisher: 'ISO' })).toBe(false);
    expect(can(editorSAC, 'standard.edit')).toBe(true); // in at least one scope
    expect(can(editorSAC, 'audit.read')).toBe(false);
    expect(scopesFor(editorSAC, 'standard.publish', 'publisher')).toEqual(['SAC']);
  });

  it('gives site-wide roles every scope and anonymous nothing', () => {
    expect(can(admin, 'standard.edit', { publisher: 'ISO' })).toBe(true);
    expect(scopesFor(admin, 'standard.edit', 'publisher')).toBe('all');
    expect(can(ANONYMOUS, 'watch.manage')).toBe(false);
  });

  it('ties committee roles to their committee', () => {
    expect(can(member, 'text.read_restricted', { committee: 'SAC/TC 28' })).toBe(true);
    expect(can(member, 'text.read_restricted', { committee: 'SAC/TC 29', publisher: 'SAC' })).toBe(false);
  });

  it('restricts API tokens to their scopes even when the owner may do more', () => {
    const token: Principal = { ...editorSAC, kind: 'token', tokenScopes: ['watch.manage'] };
    expect(can(token, 'watch.manage')).toBe(true);
    expect(can(token, 'standard.edit', { publisher: 'SAC' })).toBe(false);
  });

  it('refuses with 401 for anonymous, 403 otherwise, 404 when the object must stay hidden', () => {
    expect(() => authorize(ANONYMOUS, 'standard.edit', { publisher: 'SAC' })).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    expect(() => authorize(editorSAC, 'standard.edit', { publisher: 'ISO' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => authorize(editorSAC, 'standard.read_unpublished', { publisher: 'ISO' }, { hide: true })).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(() => authorize(editorSAC, 'standard.edit', { publisher: 'SAC' })).not.toThrow();
  });

  it('checks route policies', () => {
    expect(checkRoutePolicy(ANONYMOUS, 'public')).toBeNull();
    expect(checkRoutePolicy(ANONYMOUS, 'signed_in')).toBe('unauthenticated');
    expect(checkRoutePolicy(member, 'signed_in')).toBeNull();
    expect(checkRoutePolicy(member, { action: 'standard.edit' })).toBe('forbidden');
    expect(checkRoutePolicy(editorSAC, { action: 'standard.edit' })).toBeNull();
  });
});
