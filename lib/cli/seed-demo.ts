// `gatehouse seed demo`: a ready-to-try organization. An admin, an editor and two viewers (the
// sample database's sales reps), groups and grants, the Sample database, an "Orders" app whose
// query filters on current_user.email (released), and the viewers' workspace homepage. Everything
// goes through the same lib/ functions as the UI, in one transaction, audited with the `cli` actor.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { releaseApp, saveAppDraft } from '@/lib/apps/writes';
import { AppError } from '@/lib/errors';
import { addUsersToGroup, createGroup, setGrant, updateGroup } from '@/lib/groups/writes';
import { createObject } from '@/lib/objects/writes';
import { slugInput } from '@/lib/orgs/inputs';
import { findOrganizationBySlug } from '@/lib/orgs/reads';
import { createOrganization } from '@/lib/orgs/writes';
import { createSampleResource } from '@/lib/resources/configs';
import type { MutationCtx } from '@/lib/server/mutation';
import { newPasswordInput } from '@/lib/users/inputs';
import { createUser } from '@/lib/users/writes';

export const seedDemoInput = z.object({
  slug: slugInput.default('demo'),
  name: z.string().trim().min(2, 'Enter the organization’s name.').max(100).default('Demo Shop'),
  /** One password for every demo user; generated per user when absent. */
  password: newPasswordInput.optional(),
});
export type SeedDemoInput = z.input<typeof seedDemoInput>;

export type DemoUser = { role: 'admin' | 'editor' | 'viewer'; id: string; email: string; password: string; name: string };
export type DemoSeed = {
  organization: { id: string; slug: string; name: string };
  users: DemoUser[];
  resourceId: string;
  app: { id: string; name: string; version: number; query: string };
};

/** The viewers are the sample database's sales reps, so each sees the orders they handle. */
const PEOPLE = [
  { role: 'admin', email: 'admin@example.com', firstName: 'Ada', lastName: 'Admin' },
  { role: 'editor', email: 'editor@example.com', firstName: 'Eddie', lastName: 'Editor' },
  { role: 'viewer', email: 'alice@example.com', firstName: 'Alice', lastName: 'Sales' },
  { role: 'viewer', email: 'bob@example.com', firstName: 'Bob', lastName: 'Sales' },
] as const;

export const ORDERS_QUERY = 'myOrders';

export function ordersDefinition(resourceId: string) {
  return {
    pages: [
      {
        name: 'orders',
        components: [
          { type: 'text', name: 'intro', value: 'Orders handled by {{ current_user.fullName }} ({{ current_user.email }})' },
          { type: 'table', name: 'ordersTable', query: ORDERS_QUERY, pageSize: 20 },
        ],
      },
    ],
    queries: [
      {
        type: 'sql',
        name: ORDERS_QUERY,
        resourceId,
        sql: [
          'select o.id, c.name as customer, o.product, o.quantity, o.total, o.status, o.ordered_at',
          'from orders o join customers c on c.id = o.customer_id',
          'where o.sales_rep_email = {{ current_user.email }}',
          'order by o.ordered_at desc',
        ].join('\n'),
      },
    ],
  };
}

const generatedPassword = () => randomBytes(12).toString('base64url');

/**
 * Creates the demo organization in the caller's transaction (the CLI's runMutation, organization
 * null). Refuses with `conflict` when the slug is taken, so a second run changes nothing.
 */
export async function seedDemo(ctx: MutationCtx, raw: SeedDemoInput): Promise<DemoSeed> {
  const input = seedDemoInput.parse(raw);
  if (await findOrganizationBySlug(input.slug, ctx.tx)) {
    throw AppError.field('slug', `An organization "${input.slug}" already exists; sign in to it, or seed another with --slug.`, 'conflict');
  }
  const password = () => input.password ?? generatedPassword();
  const [admin, ...others] = PEOPLE.map((p) => ({ ...p, password: password() }));
  const created = await createOrganization(
    ctx,
    {
      name: input.name,
      slug: input.slug,
      email: admin!.email,
      password: admin!.password,
      firstName: admin!.firstName,
      lastName: admin!.lastName,
    },
    'cli',
  );
  const org: MutationCtx = { ...ctx, orgId: created.organizationId };
  const users: DemoUser[] = [
    { role: 'admin', id: created.userId, email: admin!.email, password: admin!.password, name: `${admin!.firstName} ${admin!.lastName}` },
  ];
  for (const p of others) {
    const user = await createUser(org, {
      email: p.email,
      password: p.password,
      firstName: p.firstName,
      lastName: p.lastName,
      admin: false,
    });
    users.push({ role: p.role, id: user.id, email: p.email, password: p.password, name: `${p.firstName} ${p.lastName}` });
  }
  const idsOf = (role: DemoUser['role']) => users.filter((u) => u.role === role).map((u) => u.id);

  const sample = await createSampleResource(org, { name: 'Sample database' });
  const app = await createObject(org, { kind: 'app', name: 'Orders', folderId: null });
  await saveAppDraft(org, { appId: app.id, definition: ordersDefinition(sample.id) });
  const release = await releaseApp(org, { appId: app.id });

  const editors = await createGroup(org, { name: 'Editors' });
  await addUsersToGroup(org, { groupId: editors.id, userIds: idsOf('editor') });
  await updateGroup(org, { groupId: editors.id, name: 'Editors', queryLibraryAccess: 'edit', auditLogAccess: false, homepageAppId: null });
  await setGrant(org, { groupId: editors.id, objectKind: 'app', scope: 'kind', targetId: null, level: 'edit' });
  await setGrant(org, { groupId: editors.id, objectKind: 'resource', scope: 'kind', targetId: null, level: 'use' });

  const sales = await createGroup(org, { name: 'Sales' });
  await addUsersToGroup(org, { groupId: sales.id, userIds: idsOf('viewer') });
  await setGrant(org, { groupId: sales.id, objectKind: 'app', scope: 'object', targetId: app.id, level: 'use' });
  await updateGroup(org, { groupId: sales.id, name: 'Sales', queryLibraryAccess: 'none', auditLogAccess: false, homepageAppId: app.id });

  return {
    organization: { id: created.organizationId, slug: created.slug, name: input.name },
    users,
    resourceId: sample.id,
    app: { id: app.id, name: 'Orders', version: release.version, query: ORDERS_QUERY },
  };
}
