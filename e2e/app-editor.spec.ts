// The app editor end to end: an editor (Edit on the app, Use on the sample database) builds an
// app in the browser — a query filtered on current_user.email, a table and a Markdown text — sees
// a definition problem pointing at its path, runs the query in the panel, saves and releases.
// A viewer (Use only) sees only their own rows, page by page, cannot open the editor (refused on
// the server), and does not see a draft change until it is released.
import type { Page } from '@playwright/test';
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

// The sample database's orders belong to two sales reps, five each; in a new organization these
// addresses are free to use.
const EDITOR = 'alice@example.com';
const VIEWER = 'bob@example.com';

async function definitionText(page: Page): Promise<string> {
  return page.getByLabel('App definition (JSON)').inputValue();
}

test('an editor builds and releases an app; a viewer uses only the release and sees only their rows', async ({ page: admin, browser }) => {
  test.setTimeout(300_000);
  const account = newOrgAccount('Builder');
  await signUp(admin, account);

  await addSampleDatabase(admin);
  const appId = await createApp(admin, 'Orders');

  const builders = await createGroupWithMember(admin, 'Builders');
  await grant(admin, builders, 'Orders', 'Edit');
  await grant(admin, builders, 'Sample database', 'Use');
  const viewers = await createGroupWithMember(admin, 'Viewers');
  await grant(admin, viewers, 'Orders', 'Use');
  const editor = await acceptInvite(browser, await invite(admin, EDITOR, 'Builders'), 'Alice', 'editor password 1');
  const viewer = await acceptInvite(browser, await invite(admin, VIEWER, 'Viewers'), 'Bob', 'viewer password 1');

  // The editor builds the app from the object page's link.
  await editor.goto(`/apps/${appId}`);
  await editor.getByRole('link', { name: 'Edit the app' }).click();
  await expect(editor.getByRole('heading', { level: 1, name: 'Edit Orders' })).toBeVisible();
  await expect(editor.getByTestId('draft-status')).toHaveText('No draft saved yet');

  await editor.getByLabel('Query type').selectOption('SQL');
  await editor.getByRole('button', { name: 'Add query' }).click();
  await editor.getByLabel('Query name').fill('myOrders');
  await expect(editor.getByLabel('Resource')).toHaveValue(/[0-9a-f-]{36}/);
  await editor
    .getByLabel('SQL', { exact: true })
    .fill('select id, product, sales_rep_email from orders where sales_rep_email = {{ current_user.email }} order by id');

  await editor.getByLabel('Component type').selectOption('Table');
  await editor.getByRole('button', { name: 'Add component' }).click();
  await expect(editor.getByLabel('Data from query')).toHaveValue('myOrders');
  await editor.getByLabel('Rows per page').fill('3');
  await editor.getByLabel('Component type').selectOption('Text');
  await editor.getByRole('button', { name: 'Add component' }).click();
  await editor.getByLabel('Text (Markdown)').fill('**Orders for {{ current_user.email }}**');
  await editor.getByRole('button', { name: 'Move text1 up' }).click();
  await expect(editor.getByRole('list', { name: 'Components of this page' }).getByRole('listitem')).toHaveText([/text1/, /table1/]);
  await expect(editor.getByTestId('definition-valid')).toBeVisible();

  // A bad definition: the problem names its path, next to the editor, and the server agrees.
  const good = await definitionText(editor);
  await editor.getByLabel('App definition (JSON)').fill(good.replace('"query": "myOrders"', '"query": "orders"'));
  const problems = editor.getByRole('alert', { name: 'Definition problems' });
  await expect(problems).toContainText('pages[0].components[1].query: There is no query named "orders".');
  await expect(editor.getByLabel('App definition (JSON)')).toHaveAttribute('aria-invalid', 'true');
  await editor.getByRole('button', { name: 'Save draft' }).click();
  await expect(editor.getByTestId('draft-status')).toContainText(
    'Not saved: The app definition is not valid: pages[0].components[1].query',
  );
  await editor.getByLabel('App definition (JSON)').fill(good);
  await expect(editor.getByTestId('definition-valid')).toBeVisible();

  // Run in the panel (it saves the draft first): the editor's own orders, in production.
  await editor.getByRole('button', { name: 'myOrders', exact: true }).click();
  await expect(editor.getByLabel('Environment')).toHaveValue(/[0-9a-f-]{36}/);
  await editor.getByRole('button', { name: 'Run', exact: true }).click();
  const result = editor.getByRole('region', { name: 'Query result' });
  await expect(result.getByTestId('run-summary')).toContainText('myOrders in production');
  await expect(result.getByTestId('run-summary')).toContainText('5 rows');
  await expect(result.getByTestId('run-result').locator('tbody tr')).toHaveCount(5);
  await expect(result.getByTestId('run-result')).not.toContainText(VIEWER);
  await expect(editor.getByTestId('draft-status')).toHaveText('Draft saved');
  // Another environment (the sample database is configured in each): the server checks Edit there.
  const stagingId = (await editor.getByLabel('Environment').locator('option', { hasText: 'staging' }).getAttribute('value'))!;
  await editor.getByLabel('Environment').selectOption(stagingId);
  await editor.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(result.getByTestId('run-summary')).toContainText('myOrders in staging');
  await expect(result.getByTestId('run-summary')).toContainText('5 rows');
  await editor.getByLabel('Environment').selectOption({ label: 'production (default)' });

  // The live preview renders the draft with the viewer's renderer.
  const preview = editor.getByTestId('preview');
  await expect(preview.locator('strong', { hasText: `Orders for ${EDITOR}` })).toBeVisible();
  await expect(preview.getByTestId('table-table1').locator('tbody tr')).toHaveCount(3);

  await editor.getByRole('button', { name: 'Save draft' }).click();
  await expect(editor.getByTestId('draft-status')).toHaveText('Draft saved');
  await editor.getByRole('button', { name: 'Release' }).click();
  await expect(editor.getByText('Released version 1.')).toBeVisible();
  await expect(editor.getByTestId('releases')).toContainText('Version 1');

  // The viewer uses the release: their rows only, three per page.
  await viewer.goto(`/apps/${appId}/view`);
  await expect(viewer.getByText('Release 1')).toBeVisible();
  await expect(viewer.locator('strong', { hasText: `Orders for ${VIEWER}` })).toBeVisible();
  const table = viewer.getByTestId('table-table1');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(viewer.getByTestId('table-table1-footer')).toContainText('1–3 of 5 rows');
  await expect(table).toContainText(VIEWER);
  await expect(table).not.toContainText(EDITOR);
  const pager = viewer.getByRole('navigation', { name: 'Pages of table1' });
  await expect(pager.getByRole('button', { name: 'Previous' })).toBeDisabled();
  await pager.getByRole('button', { name: 'Next' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(viewer.getByTestId('table-table1-footer')).toContainText('4–5 of 5 rows');
  await expect(pager.getByRole('button', { name: 'Next' })).toBeDisabled();
  await expect(viewer.getByRole('link', { name: 'Edit app' })).toHaveCount(0);

  // The editor is refused on the server: no editor, no draft, and the API says 403.
  await viewer.goto(`/apps/${appId}/edit`);
  await expect(viewer.getByTestId('no-access')).toContainText('Editing this app needs Edit on it.');
  await expect(viewer.getByLabel('App definition (JSON)')).toHaveCount(0);
  expect(await viewer.content()).not.toContain('sales_rep_email');
  expect((await viewer.request.put(`/api/apps/${appId}/draft`, { data: JSON.parse(good) })).status()).toBe(403);
  expect((await viewer.request.post(`/api/apps/${appId}/releases`)).status()).toBe(403);
  // Nor may a viewer run the draft, or the release in another environment.
  expect((await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, { data: { pageVersion: 'latest' } })).status()).toBe(403);
  expect((await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, { data: { environmentId: stagingId } })).status()).toBe(403);
  expect((await viewer.request.post(`/api/apps/${appId}/queries/myOrders/run`, { data: {} })).status()).toBe(200);

  // A draft change stays the editor's until it is released.
  await editor.getByRole('button', { name: 'text1', exact: true }).click();
  await editor.getByLabel('Text (Markdown)').fill('**Version two for {{ current_user.email }}**');
  await editor.getByRole('button', { name: 'Save draft' }).click();
  await expect(editor.getByTestId('draft-status')).toHaveText('Draft saved');
  await expect(editor.getByTestId('preview')).toContainText(`Version two for ${EDITOR}`);
  await viewer.goto(`/apps/${appId}/view`);
  await expect(viewer.locator('strong', { hasText: `Orders for ${VIEWER}` })).toBeVisible();
  await expect(viewer.getByText('Version two')).toHaveCount(0);

  await editor.getByRole('button', { name: 'Release' }).click();
  await expect(editor.getByText('Released version 2.')).toBeVisible();
  await viewer.reload();
  await expect(viewer.getByText('Release 2')).toBeVisible();
  await expect(viewer.locator('strong', { hasText: `Version two for ${VIEWER}` })).toBeVisible();
});
