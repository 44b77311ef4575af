import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOrganizationInput, slugInput } from './inputs';

const valid = {
  name: 'Acme Corp',
  slug: 'acme',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@acme.test',
  password: 'a long enough password',
};

function fieldErrors(input: unknown) {
  const r = createOrganizationInput.safeParse(input);
  return r.success ? {} : z.flattenError(r.error).fieldErrors;
}

describe('organization input', () => {
  it('accepts a valid organization and normalizes the slug', () => {
    expect(createOrganizationInput.parse({ ...valid, slug: '  Acme-Labs ' }).slug).toBe('acme-labs');
  });

  it.each([
    ['ab', 'at least 3'],
    ['-acme', 'lowercase letters'],
    ['acme--labs', 'lowercase letters'],
    ['acme_labs', 'lowercase letters'],
    ['sign-in', 'reserved'],
    ['api', 'reserved'],
    ['a'.repeat(41), 'at most 40'],
  ])('rejects slug %j with a specific message', (slug, message) => {
    const r = slugInput.safeParse(slug);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain(message);
  });

  it('names the field for a bad email and a short password', () => {
    const errors = fieldErrors({ ...valid, email: 'not-an-email', password: 'short' });
    expect(errors.email?.[0]).toContain('valid email');
    expect(errors.password?.[0]).toContain('at least 12');
    expect(errors.slug).toBeUndefined();
  });

  it('requires a name', () => {
    expect(fieldErrors({ ...valid, name: ' ', firstName: '' })).toMatchObject({
      name: [expect.any(String)],
      firstName: [expect.any(String)],
    });
  });
});
