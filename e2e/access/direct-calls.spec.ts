import type { Request } from '@playwright/test';
import { acceptInvite, createGroupWithMember, expect, invite, newOrgAccount, signUp, test } from '../fixtures';

// Server actions are HTTP endpoints anyone can call. Replay a real one with another user's
// cookies, and with another organization's ids, and check the server refuses.
test('server actions called directly refuse without the right level (forbidden) and across organizations (not found)', async ({
  page: admin,
  browser,
}) => {
  const account = newOrgAccount('Direct');
  await signUp(admin, account);
  const memberEmail = `member@${account.slug}.test`;
  const member = await acceptInvite(browser, await invite(admin, memberEmail), 'Mo', 'member password 1');

  const foreign = await (await browser.newContext()).newPage();
  await signUp(foreign, newOrgAccount('Foreign'));
  await foreign.goto('/users');
  const foreignUserId = (await foreign.getByTestId('users-table').getByRole('link').first().getAttribute('href'))!.split('/').pop()!;

  const groupUrl = await createGroupWithMember(admin, 'Direct');
  await admin.getByLabel('User to add').selectOption({ label: memberEmail });
  const captured: Promise<Request> = admin.waitForRequest((r) => r.method() === 'POST' && Boolean(r.headers()['next-action']));
  await admin.getByRole('button', { name: 'Add member' }).click();
  const request = await captured;
  await expect(admin.getByTestId('members').locator(`[data-email="${memberEmail}"]`)).toBeVisible();
  const body = request.postData()!;
  const replay = (page: typeof admin, data: string, origin = new URL(request.url()).origin) =>
    page.request.post(request.url(), {
      headers: {
        'next-action': request.headers()['next-action']!,
        'content-type': request.headers()['content-type']!,
        accept: 'text/x-component',
        origin,
      },
      data,
    });

  // The member is not an admin: the same call is refused, and nothing changes.
  const asMember = await replay(member, body);
  expect(await asMember.text()).toContain('"code":"forbidden"');

  // The admin naming a user of another organization: not found, never a change.
  const userIdInBody = /name="_1_userId"\r\n\r\n([0-9a-f-]{36})/.exec(body)?.[1];
  expect(userIdInBody, 'the captured form carries the user id').toBeTruthy();
  const crossOrg = await replay(admin, body.replace(userIdInBody!, foreignUserId));
  expect(await crossOrg.text()).toContain('"code":"not_found"');

  // The admin's own cookies, posted from another site: a 403 that says so, not Next's 500.
  const crossSite = await replay(admin, body, 'https://evil.test');
  expect(crossSite.status()).toBe(403);
  expect((await crossSite.json()) as unknown).toMatchObject({ error: { code: 'forbidden', message: /another site/ } });

  await admin.goto(groupUrl);
  await expect(admin.getByTestId('members').locator('li')).toHaveCount(1);
});
