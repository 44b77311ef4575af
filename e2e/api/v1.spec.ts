import type { APIRequestContext } from '@playwright/test';
import { acceptInvite, createApiToken, expect, invite, newOrgAccount, signUp, test } from '../fixtures';
import { Contract } from './contract';

const ALL = [
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'permissions:read',
  'permissions:write',
  'folders:read',
  'folders:write',
  'apps:read',
  'resources:read',
  'audit:read',
  'settings:read',
  'settings:write',
];

function client(request: APIRequestContext, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => request.get(`/api/v1${path}`, { headers }),
    post: (path: string, data?: unknown, extra: Record<string, string> = {}) =>
      request.post(`/api/v1${path}`, { headers: { ...headers, ...extra }, data: data ?? {} }),
    patch: (path: string, data: unknown) => request.patch(`/api/v1${path}`, { headers, data }),
    delete: (path: string) => request.delete(`/api/v1${path}`, { headers }),
  };
}

test('every route answers as the OpenAPI document says, with scopes, tenancy, idempotency and errors enforced', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(240_000);
  const account = newOrgAccount('Api');
  await signUp(page, account);
  const contract = await Contract.load(request);
  const full = await createApiToken(page, ALL, 'everything');
  const api = client(request, full);
  const readOnly = client(request, await createApiToken(page, ['users:read'], 'read only'));

  // Identity.
  const me = await contract.check(await api.get('/me'), 'GET', '/me', 200);
  expect(me).toMatchObject({ organization: { slug: account.slug }, user: { email: account.email } });
  await contract.check(await readOnly.get('/me'), 'GET', '/me', 200);

  // Users: list, invite, get, update, disable, enable.
  const users = await contract.check(await api.get('/users?limit=1'), 'GET', '/users', 200);
  expect(users.data).toHaveLength(1);
  const invitation = await contract.check(await api.post('/users', { email: `new@${account.slug}.test` }), 'POST', '/users', 201);
  expect(invitation.invitePath).toMatch(/^\/invite\//);
  const member = await acceptInvite(browser, invitation.invitePath, 'Nia', 'member password 12');
  await member.close();
  const list = await contract.check(await api.get('/users?limit=1'), 'GET', '/users', 200);
  expect(list.nextCursor).toEqual(expect.any(String));
  const page2 = await contract.check(await api.get(`/users?limit=1&cursor=${list.nextCursor}`), 'GET', '/users', 200);
  expect(page2.data[0].id).not.toBe(list.data[0].id);
  const nia = [...list.data, ...page2.data].find((u: { email: string }) => u.email.startsWith('new@'))!;
  await contract.check(await api.get(`/users/${nia.id}`), 'GET', '/users/{userId}', 200);
  expect((await contract.check(await api.patch(`/users/${nia.id}`, { lastName: 'Newton' }), 'PATCH', '/users/{userId}', 200)).name).toBe(
    'Nia Newton',
  );
  // Sessions: the member's own, signed out everywhere; one unknown session is not found.
  const niaSessions = await contract.check(await api.get(`/users/${nia.id}/sessions`), 'GET', '/users/{userId}/sessions', 200);
  expect(niaSessions.data).toEqual([expect.objectContaining({ authMethod: 'password', secondFactor: null })]);
  await contract.check(
    await api.delete(`/users/${nia.id}/sessions/00000000-0000-4000-8000-000000000000`),
    'DELETE',
    '/users/{userId}/sessions/{sessionId}',
    404,
  );
  await contract.check(
    await api.delete(`/users/${nia.id}/sessions/${niaSessions.data[0].id}`),
    'DELETE',
    '/users/{userId}/sessions/{sessionId}',
    204,
  );
  expect(await contract.check(await api.delete(`/users/${nia.id}/sessions`), 'DELETE', '/users/{userId}/sessions', 200)).toEqual({
    sessionsRevoked: 0,
  });
  // The organization's session limits.
  expect(await contract.check(await api.get('/settings/sessions'), 'GET', '/settings/sessions', 200)).toEqual({
    idleMinutes: 480,
    absoluteMinutes: 1440,
  });
  expect(await contract.check(await api.patch('/settings/sessions', { idleMinutes: 60 }), 'PATCH', '/settings/sessions', 200)).toEqual({
    idleMinutes: 60,
    absoluteMinutes: 1440,
  });
  const tooShort = await contract.check(await api.patch('/settings/sessions', { idleMinutes: 1 }), 'PATCH', '/settings/sessions', 400);
  expect(tooShort.errors).toEqual({ idleMinutes: ['Use at least 5 minutes.'] });
  await contract.check(await readOnly.get('/settings/sessions'), 'GET', '/settings/sessions', 403);
  expect((await contract.check(await api.post(`/users/${nia.id}/disable`), 'POST', '/users/{userId}/disable', 200)).disabled).toBe(true);
  expect((await contract.check(await api.post(`/users/${nia.id}/enable`), 'POST', '/users/{userId}/enable', 200)).disabled).toBe(false);

  // Folders, groups, members, grants, apps.
  const folder = await contract.check(await api.post('/folders', { kind: 'app', name: 'Ops' }), 'POST', '/folders', 201);
  await contract.check(await api.get('/folders?kind=app'), 'GET', '/folders', 200);
  expect(
    (await contract.check(await api.patch(`/folders/${folder.id}`, { name: 'Operations' }), 'PATCH', '/folders/{folderId}', 200)).name,
  ).toBe('Operations');
  const group = await contract.check(await api.post('/groups', { name: 'Support' }), 'POST', '/groups', 201);
  await contract.check(await api.get('/groups'), 'GET', '/groups', 200);
  await contract.check(await api.patch(`/groups/${group.id}`, { auditLogAccess: true }), 'PATCH', '/groups/{groupId}', 200);
  expect(
    (await contract.check(await api.post(`/groups/${group.id}/members`, { userIds: [nia.id] }), 'POST', '/groups/{groupId}/members', 200))
      .added,
  ).toBe(1);
  expect((await contract.check(await api.get(`/groups/${group.id}/members`), 'GET', '/groups/{groupId}/members', 200)).data).toHaveLength(
    1,
  );
  const grant = await contract.check(
    await api.post('/permissions', { groupId: group.id, objectKind: 'app', scope: 'folder', targetId: folder.id, level: 'use' }),
    'POST',
    '/permissions',
    201,
  );
  expect((await contract.check(await api.get(`/permissions?groupId=${group.id}`), 'GET', '/permissions', 200)).data).toEqual([
    expect.objectContaining({ id: grant.id, level: 'use' }),
  ]);
  await contract.check(await api.get('/apps'), 'GET', '/apps', 200);
  await contract.check(await api.get('/resources'), 'GET', '/resources', 200);
  await contract.check(await api.delete(`/permissions/${grant.id}`), 'DELETE', '/permissions/{grantId}', 204);
  await contract.check(await api.delete(`/groups/${group.id}/members/${nia.id}`), 'DELETE', '/groups/{groupId}/members/{userId}', 204);
  await contract.check(await api.get(`/groups/${group.id}`), 'GET', '/groups/{groupId}', 200);
  await contract.check(await api.delete(`/groups/${group.id}`), 'DELETE', '/groups/{groupId}', 204);
  await contract.check(await api.delete(`/folders/${folder.id}`), 'DELETE', '/folders/{folderId}', 204);

  // Audit: API mutations are audited like the UI's, with the token as the actor.
  const audit = await contract.check(await api.get('/audit-events?actionType=CREATE_GROUP,DELETE_GROUP'), 'GET', '/audit-events', 200);
  expect(audit.data.map((e: { actionType: string }) => e.actionType)).toEqual(['DELETE_GROUP', 'CREATE_GROUP']);
  expect(audit.data[1].metadata).toMatchObject({ actor: 'api_token', groupName: 'Support' });
  expect(audit.data[1].userId).toBe(me.user.id);

  // Scopes: a users:read token cannot write.
  const denied = await contract.check(await readOnly.post('/groups', { name: 'Nope' }), 'POST', '/groups', 403);
  expect(denied).toMatchObject({ type: 'urn:gatehouse:problem:insufficient_scope', detail: 'This needs the groups:write scope.' });

  // Malformed input: 400 with field errors; wrong media type 415; bad cursor 400.
  const bad = await contract.check(
    await api.post('/permissions', { groupId: 'nope', objectKind: 'app', scope: 'kind', level: 'root' }),
    'POST',
    '/permissions',
    400,
  );
  expect(Object.keys(bad.errors).sort()).toEqual(['groupId', 'level']);
  const notJson = await request.post('/api/v1/groups', {
    headers: { authorization: `Bearer ${full}`, 'content-type': 'text/plain' },
    data: 'name=x',
  });
  await contract.check(notJson, 'POST', '/groups', 415);
  expect((await contract.check(await api.get('/users?cursor=garbage'), 'GET', '/users', 400)).errors).toHaveProperty('cursor');
  // Text Postgres cannot store is refused by name, not a 500 from the insert.
  const nul = await contract.check(await api.post('/groups', { name: 'Sup\u0000port' }), 'POST', '/groups', 400);
  expect(nul.detail).toBe('name contains a NUL character or a broken (unpaired surrogate) character, which cannot be stored.');

  // Idempotent retries: the same key gives the first response; a different body is refused.
  const first = await api.post('/groups', { name: 'Once' }, { 'idempotency-key': 'create-once-1' });
  const created = await contract.check(first, 'POST', '/groups', 201);
  const retry = await api.post('/groups', { name: 'Once' }, { 'idempotency-key': 'create-once-1' });
  expect(retry.headers()['idempotent-replayed']).toBe('true');
  expect(await contract.check(retry, 'POST', '/groups', 201)).toEqual(created);
  await contract.check(await api.post('/groups', { name: 'Twice' }, { 'idempotency-key': 'create-once-1' }), 'POST', '/groups', 422);

  // No route that changes state accepts GET; unknown ids are 404.
  expect((await api.get(`/users/${nia.id}/disable`)).status()).toBe(405);
  await contract.check(await api.get('/users/00000000-0000-4000-8000-000000000000'), 'GET', '/users/{userId}', 404);
  await contract.check(await api.get('/groups/not-a-uuid'), 'GET', '/groups/{groupId}', 404);

  // Rate limits are announced on every response.
  const limited = await api.get('/me');
  expect(Number(limited.headers()['ratelimit-limit'])).toBeGreaterThan(0);
  expect(Number(limited.headers()['ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
});

test('tokens never reach another organization, and die with their creator or when revoked', async ({ page, browser, request }) => {
  const a = newOrgAccount('Tenant');
  await signUp(page, a);
  const contract = await Contract.load(request);

  const other = await (await browser.newContext()).newPage();
  const b = newOrgAccount('Other');
  await signUp(other, b);
  const foreign = client(request, await createApiToken(other, ['groups:read', 'groups:write', 'users:read'], 'theirs'));
  const theirGroup = await contract.check(await foreign.post('/groups', { name: 'Theirs' }), 'POST', '/groups', 201);

  // A second admin mints a token; the first admin disables them.
  const adminEmail = `second@${a.slug}.test`;
  const second = await acceptInvite(browser, await invite(page, adminEmail), 'Sol', 'second admin pass');
  await page.goto('/groups');
  await page.getByRole('link', { name: 'Admin', exact: true }).click();
  // The built-in Admin group says what admins have instead of offering switches that do nothing.
  await expect(page.getByTestId('admin-query-library')).toHaveText('Edit (admins have every access)');
  await expect(page.getByLabel('Query library')).toHaveCount(0);
  await page.getByLabel('User to add').selectOption({ label: adminEmail });
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByTestId('members').locator(`[data-email="${adminEmail}"]`)).toBeVisible();
  const theirs = client(request, await createApiToken(second, ['groups:read', 'users:read'], 'second'));
  await contract.check(await theirs.get('/groups'), 'GET', '/groups', 200);
  await contract.check(await theirs.get(`/groups/${theirGroup.id}`), 'GET', '/groups/{groupId}', 404);

  const mine = client(request, await createApiToken(page, ['users:read', 'users:write'], 'mine'));
  const secondUser = (await contract.check(await mine.get(`/users?q=second@`), 'GET', '/users', 200)).data[0];
  await contract.check(await mine.post(`/users/${secondUser.id}/disable`), 'POST', '/users/{userId}/disable', 200);
  const dead = await contract.check(await theirs.get('/groups'), 'GET', '/groups', 401);
  expect(dead.type).toBe('urn:gatehouse:problem:unauthenticated');

  // Revoked in the UI: 401 on the next request.
  await page.goto('/settings/api-tokens');
  await page.getByTestId('tokens').locator('tr', { hasText: 'mine' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('tokens').locator('tr', { hasText: 'mine' })).toContainText('revoked');
  await contract.check(await mine.get('/me'), 'GET', '/me', 401);
  await contract.check(await client(request, 'ght_not-a-real-token').get('/me'), 'GET', '/me', 401);
});

test('a token over its rate limit gets 429 with Retry-After', async ({ page, request }) => {
  const account = newOrgAccount('Limit');
  await signUp(page, account);
  const contract = await Contract.load(request);
  const api = client(request, await createApiToken(page, ['users:read'], 'busy'));
  const limit = Number((await api.get('/me')).headers()['ratelimit-limit']);
  // Windows are per minute: if one ends while we send, counting restarts, so keep going (up to two
  // windows' worth) until the first refusal.
  let refused: Awaited<ReturnType<typeof api.get>> | undefined;
  for (let sent = 1; !refused && sent <= 2 * limit + 1; sent += 10) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.get('/me')));
    refused = answers.find((r) => r.status() === 429);
  }
  if (!refused) throw new Error(`no 429 after ${2 * limit + 1} requests with a limit of ${limit}`);
  const body = await contract.check(refused, 'GET', '/me', 429);
  expect(body.type).toBe('urn:gatehouse:problem:rate_limited');
  expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
  expect(refused.headers()['ratelimit-remaining']).toBe('0');
});
