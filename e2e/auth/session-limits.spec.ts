// An admin's session limits apply to sessions already open, at their next request. The idle limit
// is set to its shortest (5 minutes) and the test then really waits that long: the server's clock
// and the database are out of the test's reach, and waiting is the behaviour under test.
import { acceptInvite, expect, invite, newOrgAccount, signUp, test } from '../fixtures';

const IDLE_MS = 5 * 60_000;

test('a shorter idle limit ends an idle session at its next request', async ({ page, browser }) => {
  test.setTimeout(IDLE_MS + 180_000);
  const account = newOrgAccount('Idle');
  await signUp(page, account);
  const member = await acceptInvite(browser, await invite(page, `idle@${account.slug}.test`), 'Ida', 'member password 12');

  await page.goto('/settings');
  await page.getByRole('link', { name: 'Sessions', exact: true }).click();
  await expect(page.getByTestId('session-limits')).toHaveText('Sessions end after 8 hours without activity, and 24 hours after sign-in.');
  const idle = page.getByLabel('Idle limit');
  const absolute = page.getByLabel('Absolute limit');
  await expect(idle).toHaveValue('8h');
  await expect(absolute).toHaveValue('24h');
  await idle.fill('2m');
  await absolute.fill('91d');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('action-error')).toHaveText('Check the highlighted fields. Use at least 5 minutes. Use at most 90 days.');
  await idle.fill('2h');
  await absolute.fill('1h');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('action-error')).toHaveText('The absolute limit (1h) cannot be shorter than the idle limit (2h).');
  await idle.fill('5m');
  await absolute.fill('24h');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved. Every session follows the new limits from its next request.');
  await expect(page.getByTestId('session-limits')).toHaveText('Sessions end after 5 minutes without activity, and 24 hours after sign-in.');

  // Still signed in after the change: the limit counts from the member's last request.
  await member.goto('/account');
  await expect(member.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const lastRequest = Date.now();
  await new Promise((resolve) => setTimeout(resolve, lastRequest + IDLE_MS + 5_000 - Date.now()));
  await member.goto('/account');
  await expect(member).toHaveURL(new RegExp(`/sign-in/${account.slug}`));
});
