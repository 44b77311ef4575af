import type { Page } from '@playwright/test';
import { acceptInvite, createGroupWithMember, expect, grant, invite, newOrgAccount, signUp, test } from '../fixtures';
import { SignInPage } from '../pages/sign-in-page';

async function createFolder(page: Page, name: string) {
  await page.goto('/apps');
  await page.getByLabel('New folder name').fill(name);
  await page.getByRole('button', { name: 'Create folder' }).click();
  await expect(page.getByTestId('folders').locator(`[data-folder="${name}"]`)).toBeVisible();
}

async function createApp(page: Page, name: string, folder: string | null) {
  await page.goto('/apps');
  await page.getByLabel('New app name').fill(name);
  await page.getByLabel('Folder', { exact: true }).selectOption({ label: folder ?? 'No folder' });
  await page.getByRole('button', { name: 'Create app' }).click();
  await expect(page.getByTestId('objects').locator(`[data-name="${name}"]`)).toBeVisible();
}

const names = (page: Page) =>
  page
    .getByTestId('objects')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));

test('an admin, an editor and a viewer each see and do what their groups allow', async ({ page: admin, browser }) => {
  const account = newOrgAccount('Roles');
  await signUp(admin, account);
  await createFolder(admin, 'Ops');
  await createApp(admin, 'Orders', 'Ops');
  await createApp(admin, 'Payroll', null);

  const editorEmail = `editor@${account.slug}.test`;
  const viewerEmail = `viewer@${account.slug}.test`;
  const editorsUrl = await createGroupWithMember(admin, 'Editors');
  const viewersUrl = await createGroupWithMember(admin, 'Viewers');
  await grant(admin, editorsUrl, 'Folder: Ops', 'Edit');
  await grant(admin, viewersUrl, 'Folder: Ops', 'Use');
  const editorLink = await invite(admin, editorEmail, 'Editors');
  const viewerLink = await invite(admin, viewerEmail, 'Viewers');

  const editor = await acceptInvite(browser, editorLink, 'Eddie', 'editor password 1');
  const viewer = await acceptInvite(browser, viewerLink, 'Vera', 'viewer password 1');

  // The editor sees the folder's app with Edit, can add to the folder, and nothing admin-only.
  await editor.goto('/apps');
  expect(await names(editor)).toEqual(['Orders']);
  await expect(editor.getByTestId('objects').locator('[data-name="Orders"]')).toContainText('Editors has edit on its folder.');
  await editor.getByLabel('New app name').fill('Returns');
  await editor.getByRole('button', { name: 'Create app' }).click();
  await expect(editor.getByTestId('objects').locator('[data-name="Returns"]')).toBeVisible();
  const nav = editor.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await editor.goto('/users');
  await expect(editor.getByTestId('no-access')).toHaveText('Only admins can manage users.');
  await editor.goto('/apps');
  await editor.getByRole('link', { name: 'Orders' }).click();
  await expect(editor.getByTestId('your-access')).toContainText('edit');
  await expect(editor.getByRole('heading', { name: 'Manage' })).toHaveCount(0);

  // The viewer can only use what is in the folder: no create form, no management.
  await viewer.goto('/apps');
  expect(await names(viewer)).toEqual(['Orders', 'Returns']);
  await expect(viewer.getByRole('button', { name: 'Create app' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Create folder' })).toHaveCount(0);
  await viewer.getByRole('link', { name: 'Orders' }).click();
  await expect(viewer.getByTestId('your-access')).toContainText('Viewers has use on its folder.');

  // The admin sees everything, and why each user can reach what they reach.
  await admin.goto('/apps');
  expect(await names(admin)).toEqual(['Orders', 'Payroll', 'Returns']);
  await admin.goto('/users');
  await admin.getByRole('link', { name: 'Vera' }).click();
  await expect(admin.getByTestId('effective-access').locator('[data-name="Orders"]')).toContainText('Viewers has use on its folder.');
  await expect(admin.getByTestId('effective-access').locator('[data-name="Payroll"]')).toHaveCount(0);

  const csv = await admin.request.get('/api/internal/access-review');
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text).toContain(`app,Orders,Ops,${viewerEmail},use,Viewers`);
  expect(text).toContain(`app,Orders,Ops,${editorEmail},edit,Editors`);
  expect((await viewer.request.get('/api/internal/access-review')).status()).toBe(403);
});

test('a disabled user is thrown out mid-session and cannot sign back in until re-enabled', async ({ page: admin, browser }) => {
  const account = newOrgAccount('Disable');
  await signUp(admin, account);
  const email = `leaver@${account.slug}.test`;
  const member = await acceptInvite(browser, await invite(admin, email), 'Lee', 'leaver password 1');
  await member.goto('/account');
  await expect(member.getByRole('heading', { name: 'Your account' })).toBeVisible();

  await admin.goto('/users');
  await admin.getByRole('link', { name: 'Lee' }).click();
  admin.once('dialog', (d) => void d.accept());
  await admin.getByRole('button', { name: 'Disable user' }).click();
  await expect(admin.getByRole('button', { name: 'Enable user' })).toBeVisible();

  await member.reload();
  await expect(member).toHaveURL(new RegExp(`/sign-in/${account.slug}`));
  const signIn = new SignInPage(member);
  await signIn.signIn(email, 'leaver password 1');
  await expect(signIn.error).toHaveText('Incorrect email or password.');

  await admin.getByRole('button', { name: 'Enable user' }).click();
  await expect(admin.getByRole('button', { name: 'Disable user' })).toBeVisible();
  await signIn.signIn(email, 'leaver password 1');
  await expect(member.getByRole('heading', { name: 'Welcome, Lee' })).toBeVisible();
  await expect(admin.getByTestId('user-audit')).toContainText('DISABLE_USER');
});

test('a user without Edit on any app lands on their group’s workspace app', async ({ page: admin, browser }) => {
  const account = newOrgAccount('Workspace');
  await signUp(admin, account);
  await createApp(admin, 'Front desk', null);
  const groupUrl = await createGroupWithMember(admin, 'Reception');
  await grant(admin, groupUrl, 'Front desk', 'Use');
  await admin.goto(groupUrl);
  await admin.getByLabel('Workspace homepage').selectOption({ label: 'Front desk' });
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByLabel('Workspace homepage')).toHaveValue(/[0-9a-f-]{36}/);

  const receptionist = await acceptInvite(
    browser,
    await invite(admin, `desk@${account.slug}.test`, 'Reception'),
    'Dana',
    'reception password',
  );
  await expect(receptionist.getByRole('heading', { level: 1, name: 'Front desk' })).toBeVisible();
  await expect(receptionist).toHaveURL(/\/apps\/[0-9a-f-]{36}\/view$/);
  await expect(receptionist.getByText('This app has not been released yet.')).toBeVisible();

  // Admins (who may edit apps) land on the dashboard.
  await admin.goto('/');
  await expect(admin.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
});
