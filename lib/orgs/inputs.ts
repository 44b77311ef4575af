import { z } from 'zod';
import { emailInput, namePart, newPasswordInput } from '@/lib/users/inputs';

/** Slugs that would collide with routes, look official, or confuse people. */
export const RESERVED_SLUGS = new Set([
  'admin',
  'administrator',
  'api',
  'app',
  'apps',
  'assets',
  'audit',
  'auth',
  'billing',
  'dashboard',
  'docs',
  'gatehouse',
  'groups',
  'health',
  'help',
  'internal',
  'login',
  'logout',
  'new',
  'oauth',
  'public',
  'resources',
  'root',
  'saml',
  'scim',
  'security',
  'settings',
  'setup',
  'sign-in',
  'two-factor',
  'sign-out',
  'signin',
  'signout',
  'signup',
  'sso',
  'static',
  'status',
  'support',
  'system',
  'users',
  'workflows',
  'www',
]);

export const slugInput = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'Use at least 3 characters.')
  .max(40, 'Use at most 40 characters.')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lowercase letters, digits and single hyphens, starting and ending with a letter or digit.')
  .refine((s) => !RESERVED_SLUGS.has(s), 'That URL is reserved. Choose another.');

export const createOrganizationInput = z.object({
  name: z.string().trim().min(2, 'Enter the organization’s name.').max(100, 'Use at most 100 characters.'),
  slug: slugInput,
  firstName: namePart('first name'),
  lastName: z.string().trim().max(100, 'Last name is too long.').default(''),
  email: emailInput,
  password: newPasswordInput,
});
export type CreateOrganizationInput = z.infer<typeof createOrganizationInput>;
