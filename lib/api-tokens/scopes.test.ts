import { describe, expect, it } from 'vitest';
import { expiresInInput, scopesInput } from './scopes';

describe('token scopes and expiry', () => {
  it('parses lists, comma strings and folders:*', () => {
    expect(scopesInput.parse('users:read, groups:write,users:read')).toEqual(['groups:write', 'users:read']);
    expect(scopesInput.parse(['folders:*'])).toEqual(['folders:read', 'folders:write']);
  });

  it('names unknown scopes and refuses none', () => {
    expect(scopesInput.safeParse('users:admin').error?.issues[0]?.message).toContain('Unknown scope');
    expect(scopesInput.safeParse('').error?.issues[0]?.message).toBe('Choose at least one scope.');
  });

  it('reads durations', () => {
    expect(expiresInInput.parse('30d')).toBe(30 * 86_400_000);
    expect(expiresInInput.parse('12h')).toBe(12 * 3_600_000);
    expect(expiresInInput.parse('7')).toBe(7 * 86_400_000);
    expect(expiresInInput.safeParse('0d').success).toBe(false);
    expect(expiresInInput.safeParse('soon').success).toBe(false);
  });
});
