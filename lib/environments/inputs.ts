import { z } from 'zod';

const name = z
  .string()
  .trim()
  .min(1, 'Name the environment.')
  .max(40, 'Use at most 40 characters.')
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'Use letters, digits, dashes and underscores, starting with a letter or digit.');
const color = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, 'Choose a colour like #2563eb.');
const environmentId = z.uuid('Unknown environment.');

export const createEnvironmentInput = z.object({ name, color });
export type CreateEnvironmentInput = z.infer<typeof createEnvironmentInput>;
export const updateEnvironmentInput = z.object({ environmentId, name, color });
export type UpdateEnvironmentInput = z.infer<typeof updateEnvironmentInput>;
export const deleteEnvironmentInput = z.object({ environmentId });
