// gatehouse migrate · org create · seed demo — a database, an organization, something to try.
import { databaseKind } from '@/db';
import { migrate } from '@/db/migrate';
import { createOrganizationInput } from '@/lib/orgs/inputs';
import { createOrganization } from '@/lib/orgs/writes';
import { runMutation } from '@/lib/server/mutation';
import { defineCommand } from '../command';
import { cliInit, defaultFirstName, parseWith } from '../operator';
import { seedDemo, seedDemoInput } from '../seed-demo';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'Apply database migrations (also done at server start).',
  flags: {},
  async run() {
    await migrate();
    return { json: { migrated: true, database: databaseKind() }, text: `Migrations applied (${databaseKind()} database).` };
  },
});

export const orgCreate = defineCommand({
  name: 'org create',
  summary: 'Create an organization and its first admin.',
  flags: {
    name: { type: 'string', required: true, help: 'Organization name' },
    slug: { type: 'string', required: true, help: 'Sign-in URL slug, e.g. acme' },
    'admin-email': { type: 'string', required: true, value: '<email>', field: 'email', help: "First admin's email" },
    'admin-password': { type: 'string', required: true, value: '<password>', field: 'password', help: 'At least 12 characters' },
    'admin-first-name': { type: 'string', value: '<name>', field: 'firstName', help: 'Default: the part of the email before @' },
    'admin-last-name': { type: 'string', value: '<name>', field: 'lastName', help: "First admin's last name" },
  },
  async run(o) {
    const input = parseWith(createOrganizationInput, {
      name: o.name,
      slug: o.slug,
      email: o['admin-email'],
      password: o['admin-password'],
      firstName: o['admin-first-name'] ?? defaultFirstName(o['admin-email']),
      lastName: o['admin-last-name'] ?? '',
    });
    await migrate();
    const created = await runMutation(cliInit(null), (ctx) => createOrganization(ctx, input, 'cli'));
    return {
      json: {
        organization: { id: created.organizationId, slug: created.slug, name: input.name },
        admin: { id: created.userId, email: input.email },
      },
      text: `Created organization ${input.name} (${created.slug}) with admin ${input.email}.\nSign in at /sign-in/${created.slug}`,
    };
  },
});

export const seedDemoCommand = defineCommand({
  name: 'seed demo',
  summary: "Create a demo organization to try Gatehouse; prints every user's email and password.",
  details: [
    "An admin, an editor and two viewers (Alice and Bob, the sample database's sales reps), groups and",
    'grants, the Sample database, a released "Orders" app whose query filters on current_user.email (each',
    "viewer sees their own orders), and the viewers' workspace homepage. Refuses if the organization exists.",
  ].join('\n'),
  flags: {
    slug: { type: 'string', help: 'Default: demo' },
    name: { type: 'string', help: 'Default: Demo Shop' },
    password: { type: 'string', help: 'One password for every demo user (default: a generated one each)' },
  },
  async run(o) {
    const input = parseWith(seedDemoInput, { slug: o.slug, name: o.name, password: o.password });
    await migrate();
    const seed = await runMutation(cliInit(null), (ctx) => seedDemo(ctx, input));
    const width = Math.max(...seed.users.map((u) => u.email.length));
    return {
      json: seed,
      text: [
        `Created the demo organization ${seed.organization.name} (${seed.organization.slug}). Sign in at /sign-in/${seed.organization.slug}`,
        '',
        ...seed.users.map((u) => `  ${u.role.padEnd(7)} ${u.email.padEnd(width)}  ${u.password}`),
        '',
        `The viewers land on the "${seed.app.name}" app (version ${seed.app.version}); each sees only the orders they handle.`,
      ].join('\n'),
    };
  },
});
