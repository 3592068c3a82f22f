import { describe, expect, it } from 'vitest';
import { principalsFromClaims } from '../../../src/auth/principals.js';

describe('principals of a token', () => {
  it('are user:<sub>, user:<email> (lower-cased) and group:<g> for each group', () => {
    expect(principalsFromClaims({ sub: 'u-1', email: 'Ann@Example.com', groups: ['hr', 'eng'] }, 'groups')).toEqual([
      'user:u-1',
      'user:ann@example.com',
      'group:hr',
      'group:eng',
    ]);
  });

  it('read the groups from a configured claim, a nested path, or a space-separated string', () => {
    expect(principalsFromClaims({ sub: 'u', roles: 'a b' }, 'roles')).toEqual(['user:u', 'group:a', 'group:b']);
    expect(principalsFromClaims({ sub: 'u', realm_access: { roles: ['ops'] } }, 'realm_access.roles')).toEqual(['user:u', 'group:ops']);
  });

  it('ignore claims of the wrong shape instead of inventing principals', () => {
    expect(principalsFromClaims({ sub: 42, email: ['x'], groups: { hr: true } }, 'groups')).toEqual([]);
    expect(principalsFromClaims({ sub: 'u', groups: ['', 7, 'ok'] }, 'groups')).toEqual(['user:u', 'group:ok']);
  });
});
