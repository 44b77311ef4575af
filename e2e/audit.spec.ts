import { expect, test } from '@playwright/test';
import { newOrgAccount, signUp } from './fixtures';
import { AuditPage } from './pages/audit-page';

test('the audit log exports as NDJSON and CSV, records the download, and verifies its chain', async ({ page }) => {
  const account = newOrgAccount('Export');
  await signUp(page, account);

  const ndjson = await page.request.get('/api/internal/audit-export?format=ndjson');
  expect(ndjson.headers()['content-type']).toContain('application/x-ndjson');
  const events = (await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l));
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
