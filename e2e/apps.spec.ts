// Apps and queries end to end: an admin releases an app on the sample database through the API,
// a viewer opens it and sees rows computed with their own current_user, and a replayed run that
// claims the admin's email is refused (403) and shows up in the audit log as QUERY_SPOOF_BLOCKED —
// until an admin turns spoofing prevention off.
import {
  acceptInvite,
  addSampleDatabase,
  createApp,
  createGroupWithMember,
  expect,
  grant,
  invite,
  newOrgAccount,
  signUp,
  test,
} from './fixtures';

test('a viewer runs a released app as themselves, and a spoofed current_user is refused and audited', async ({ page: admin, browser }) => {
  const account = newOrgAccount('Apps');
  await signUp(admin, account);

  const sampleId = await addSampleDatabase(admin);
  const appId = await createApp(admin, 'Orders');

  const definition = {
    pages: [
      {
        name: 'main',
        components: [
          { type: 'text', name: 'greeting', value: 'Signed in as {{ current_user.email }}' },
          { type: 'text', name: 'secret', value: 'only admins', hidden: "{{ !current_user.groups.includes('Admin') }}" },
          { type: 'table', name: 'orders', query: 'myOrders', pageSize: 5 },
        ],
      },
    ],
    queries: [
      {
        type: 'sql',
        name: 'myOrders',
        resourceId: sampleId,
        sql: 'select id, product, {{ current_user.email }}::text as seen_as from orders order by id limit 3',
      },
    ],
  };
  const broken = await admin.request.put(`/api/apps/${appId}/draft`, {
    data: { ...definition, queries: [{ ...definition.queries[0], sql: "select '{{ x }}'" }] },
  });
  expect(broken.status()).toBe(422);
  expect((await broken.json()).error.fieldErrors).toHaveProperty(['queries[0].sql']);
  expect((await admin.request.put(`/api/apps/${appId}/draft`, { data: definition })).status()).toBe(200);
  expect((await admin.request.post(`/api/apps/${appId}/releases`)).status()).toBe(201);

  const groupUrl = await createGroupWithMember(admin, 'Viewers');
  await grant(admin, groupUrl, 'Orders', 'Use');
  const viewerEmail = `viewer@${account.slug}.test`;
  const viewer = await acceptInvite(browser, await invite(admin, viewerEmail, 'Viewers'), 'Vera', 'viewer password 1');

  // Home offers the audit log only to those it opens for.
  await admin.goto('/');
  await expect(admin.getByRole('link', { name: 'Open the audit log' })).toBeVisible();
  await viewer.goto('/');
  await expect(viewer.getByRole('heading', { name: 'Welcome, Vera' })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Open the audit log' })).toHaveCount(0);

  await viewer.goto(`/apps/${appId}/view`);
  await expect(viewer.getByText(`Signed in as ${viewerEmail}`)).toBeVisible();
  await expect(viewer.getByText('only admins')).toHaveCount(0);
  const table = viewer.getByTestId('table-orders');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table).toContainText(viewerEmail);

  const honest = await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, {
    data: { values: {}, current_user: { email: viewerEmail } },
  });
  expect(honest.status()).toBe(200);
  const spoofed = await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, {
    data: { values: {}, current_user: { email: account.email } },
  });
  expect(spoofed.status()).toBe(403);
  expect(JSON.stringify(await spoofed.json())).not.toContain('seen_as');
  const draft = await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, { data: { pageVersion: 'latest' } });
  expect(draft.status()).toBe(403);
  // A value no database can store is refused by name before anything runs.
  const unstorable = await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, { data: { values: { note: 'a\u0000b' } } });
  expect(unstorable.status()).toBe(422);
  expect((await unstorable.json()).error.message).toMatch(/^values\.note contains a NUL character/);

  await admin.goto('/audit');
  await expect(admin.locator('[data-action="QUERY_SPOOF_BLOCKED"]').first()).toBeVisible();
  await expect(admin.locator('[data-action="QUERY_RUN"]').first()).toBeVisible();

  // An admin may turn prevention off; then the browser's claim stands.
  await admin.goto('/apps');
  await admin.getByRole('checkbox', { name: 'Prevent query variable spoofing' }).uncheck();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByText('Saved.')).toBeVisible();
  const trusted = await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, {
    data: { current_user: { email: account.email } },
  });
  expect(trusted.status()).toBe(200);
  expect(JSON.stringify(await trusted.json())).toContain(account.email);
});
