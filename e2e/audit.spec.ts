import { readFile } from 'node:fs/promises';
import { createGroupWithMember, expect, newOrgAccount, signUp, test } from './fixtures';
import { AuditPage } from './pages/audit-page';

test('the audit log exports as NDJSON and CSV, records the download, and verifies its chain', async ({ page }) => {
  const account = newOrgAccount('Export');
  await signUp(page, account);

  const ndjson = await page.request.get('/api/internal/audit-export?format=ndjson');
  expect(ndjson.headers()['content-type']).toContain('application/x-ndjson');
  const events = (await ndjson.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  // The download is recorded before the stream starts, so it is the newest event of its own export.
  expect(events.map((e) => e.actionType)).toEqual(['DOWNLOAD_AUDIT_LOGS', 'LOGIN', 'SIGN_UP', 'CREATE_ORGANIZATION']);

  const csv = await page.request.get('/api/internal/audit-export?format=csv&actionType=LOGIN');
  expect(csv.headers()['content-disposition']).toContain(`audit-${account.slug}-`);
  expect((await csv.text()).trim().split('\r\n')).toHaveLength(2); // header + the one LOGIN

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('DOWNLOAD_AUDIT_LOGS')).toHaveCount(2);
  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await expect(page.getByTestId('verify-result')).toHaveText('Intact: all 5 events are linked and unchanged.');

  const anonymous = await page.context().browser()!.newContext();
  expect((await anonymous.request.get('/api/internal/audit-export')).status()).toBe(401);
});

test('the audit viewer filters by type and text, opens an event, and narrows to its request', async ({ page }) => {
  const account = newOrgAccount('Viewer');
  await signUp(page, account);
  for (const name of ['Alpha crew', 'Beta crew', 'Gamma crew']) await createGroupWithMember(page, name);

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('CREATE_GROUP')).toHaveCount(3);
  await expect(page.getByRole('img', { name: 'Audit events over time by action type' })).toBeVisible();

  await audit.filter({ actions: ['CREATE_GROUP'], text: 'beta' });
  await expect(page).toHaveURL(/[?&]action=CREATE_GROUP(&|$)/);
  await expect(page).toHaveURL(/[?&]q=beta(&|$)/);
  await expect(audit.rows()).toHaveCount(1);
  await expect(audit.rows('CREATE_GROUP')).toContainText('Beta crew');

  // The export links carry the same filter, so they export what the table shows.
  const csvHref = await audit.exportLink('CSV').getAttribute('href');
  expect(csvHref).toMatch(/^\/api\/internal\/audit-export\?format=csv&/);
  expect(new URL(csvHref!, 'http://x').searchParams.getAll('action')).toEqual(['CREATE_GROUP']);
  expect(new URL(csvHref!, 'http://x').searchParams.get('q')).toBe('beta');
  const csv = await (await page.request.get(csvHref!)).text();
  expect(csv.trim().split('\r\n')).toHaveLength(2); // header + Beta crew
  expect(csv).toContain('Beta crew');

  await audit.openEvent(audit.rows('CREATE_GROUP'));
  await expect(audit.detail).toContainText('"Beta crew"');
  await expect(audit.detail).toContainText('"hash"');
  const requestId = (await audit.rows('CREATE_GROUP').getAttribute('data-request-id'))!;
  expect(requestId).not.toBe('');
  await audit.filterByValue('requestId');
  await expect(page).toHaveURL(new RegExp(`[?&]requestId=${requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(&|$)`));
  await expect(audit.form.getByLabel('Request id')).toHaveValue(requestId);

  // With the type and text filters cleared, the request id alone still leaves only that request's events.
  await audit.filter({ actions: [], text: '' });
  await expect(page).not.toHaveURL(/[?&]action=/);
  expect(new URL(page.url()).searchParams.get('q') ?? '').toBe('');
  await expect(audit.rows()).toHaveCount(1);
  await expect(audit.rows('CREATE_GROUP')).toHaveAttribute('data-request-id', requestId);

  // Once hydrated, the export link is read as a stream with progress, then saved.
  await expect(page.getByTestId('export-links')).toHaveAttribute('data-streaming', 'true');
  const download = page.waitForEvent('download');
  await audit.exportLink('NDJSON').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^audit-${account.slug}-.*\\.ndjson$`));
  const lines = (await readFile((await file.path())!, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((e) => [e.actionType, e.requestId])).toEqual([['CREATE_GROUP', requestId]]);
  await expect(page.getByTestId('export-status')).toHaveText(/^Saved 1 row /);
});

test('an admin sets the retention period and a legal hold, and both changes are audited', async ({ page }) => {
  const account = newOrgAccount('Retain');
  await signUp(page, account);
  await page.goto('/settings/audit-retention');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit retention' })).toBeVisible();
  await page.getByLabel('Keep events for (days)').fill('90');
  await page.getByLabel('Legal hold').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('Legal hold on')).toBeVisible();
  await expect(page.getByLabel('Keep events for (days)')).toHaveValue('90');

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('AUDIT_RETENTION_UPDATED')).toHaveCount(1);
});
