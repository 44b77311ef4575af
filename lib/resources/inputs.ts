// What a resource's configuration in one environment may hold, per type. Strings may contain
// `{{ secrets.NAME }}` and `{{ environment.variables.NAME }}`; secret fields are write-only.
import { z } from 'zod';
import { RESOURCE_TYPES, type ResourceType } from '@/db/schema';
import { templateRefs } from '@/lib/secrets/template';

export const RESOURCE_TYPE_LABEL: Record<ResourceType, string> = { postgres: 'PostgreSQL', rest: 'REST API', sample: 'Sample database' };

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-full'] as const;
export const REST_AUTH = ['none', 'bearer', 'basic', 'api_key'] as const;

/** The write-only fields of each type (stored encrypted, never sent back). */
export const SECRET_FIELDS = {
  postgres: ['password', 'connectionString'],
  rest: ['bearerToken', 'basicPassword', 'apiKey'],
  sample: [],
} as const satisfies Record<ResourceType, readonly string[]>;
export type SecretField = (typeof SECRET_FIELDS)[ResourceType][number];

export type PostgresOptions = {
  mode: 'fields' | 'connection_string';
  host: string;
  port: string;
  database: string;
  user: string;
  sslMode: (typeof SSL_MODES)[number];
};
export type RestOptions = {
  baseUrl: string;
  headers: { name: string; value: string }[];
  auth: (typeof REST_AUTH)[number];
  basicUser: string;
  apiKeyHeader: string;
};
export type ResourceOptions = { postgres: PostgresOptions; rest: RestOptions; sample: Record<string, never> };
export type ResourceSecrets = Partial<Record<SecretField, string>>;

/** A template-checked string: a malformed `{{ }}` or another root is a field error. */
const templated = (label: string, max = 2000) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .superRefine((v, ctx) => {
      try {
        templateRefs(v, label);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    });

const required = (label: string, max?: number) => templated(label, max).refine((v) => v.length > 0, `Enter the ${label.toLowerCase()}.`);
const secret = (label: string) => templated(label, 5000).optional().default('');

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Default headers from a textarea, one `Name: value` per line. */
const headerLines = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const headers: { name: string; value: string }[] = [];
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      if (!line.trim()) continue;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).trim() : '';
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', message: `Line ${i + 1}: write headers as "Name: value".` });
        return z.NEVER;
      }
      const value = line.slice(colon + 1).trim();
      try {
        templateRefs(value, `Header ${name}`);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
      headers.push({ name, value });
    }
    return headers;
  });

const target = { objectId: z.uuid('Unknown resource.'), environmentId: z.uuid('Unknown environment.') };

export const saveResourceConfigInput = z.discriminatedUnion(
  'type',
  [
    z.object({
      ...target,
      type: z.literal('postgres'),
      mode: z.enum(['fields', 'connection_string']).default('fields'),
      host: templated('Host', 255).default(''),
      port: templated('Port', 100).default('5432'),
      database: templated('Database', 255).default(''),
      user: templated('User', 255).default(''),
      sslMode: z.enum(SSL_MODES, 'Choose an SSL mode.').default('prefer'),
      password: secret('Password'),
      connectionString: secret('Connection string'),
    }),
    z.object({
      ...target,
      type: z.literal('rest'),
      baseUrl: required('Base URL'),
      headers: headerLines,
      auth: z.enum(REST_AUTH, 'Choose how to authenticate.').default('none'),
      basicUser: templated('Username', 255).default(''),
      apiKeyHeader: templated('API key header', 100).default(''),
      bearerToken: secret('Bearer token'),
      basicPassword: secret('Password'),
      apiKey: secret('API key'),
    }),
    z.object({ ...target, type: z.literal('sample') }),
  ],
  { error: () => ({ message: `Choose a type: ${RESOURCE_TYPES.join(', ')}.` }) },
);
export type SaveResourceConfigInput = z.infer<typeof saveResourceConfigInput>;

export const resourceConfigTarget = z.object(target);
