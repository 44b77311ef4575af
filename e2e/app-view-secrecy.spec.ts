// A viewer's browser gets only what that viewer may see (issue 23). An admin releases an app whose
// salary table and approval button are hidden from everyone outside Admin, with a REST query on an
// API whose bearer token is a secret config variable. A Support user opens it; every response body
// of their session (documents, the RSC payload, JSON, scripts) is read, and none holds the hidden
// component, the hidden query, any query's SQL or request, the resource, or the secret. Running the
// hidden query by hand is refused (403) and audited. The admin, opening the same app, sees both.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Response } from '@playwright/test';
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

/** Every response body a page receives, as text (binary answers are skipped: they carry no app data). */
function captureResponses(page: Page): { bodies: () => Promise<{ url: string; body: string }[]> } {
  const pending: Promise<{ url: string; body: string } | null>[] = [];
  page.on('response', (res: Response) => {
    const type = res.headers()['content-type'] ?? '';
    if (/image|font|octet-stream/.test(type)) return;
    pending.push(
      res
        .text()
        .then((body) => ({ url: res.url(), body }))
        .catch(() => null),
    );
  });
  return { bodies: async () => (await Promise.all(pending)).filter((b): b is { url: string; body: string } => b !== null) };
}

/** The page as the browser's router asks for it on a client-side navigation: the RSC payload. */
async function fetchRsc(page: Page): Promise<string> {
  return page.evaluate(async () => (await fetch(location.href, { headers: { RSC: '1' } })).text());
}

/** The view page's server time (request sent to first byte) and sizes, as the median of ten loads; printed, never asserted (speed lives in bench/). */
async function measure(page: Page, path: string): Promise<void> {
  const runs: { ms: number; html: number; rsc: number }[] = [];
  for (let i = 0; i < 10; i++) {
    const res = (await page.goto(path))!;
    const html = (await res.body()).length;
    const timing = res.request().timing();
    runs.push({ ms: timing.responseStart - timing.requestStart, html, rsc: (await fetchRsc(page)).length });
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `viewer page: server ${median(runs.map((r) => r.ms)).toFixed(0)} ms, HTML ${median(runs.map((r) => r.html))} B, RSC ${median(runs.map((r) => r.rsc))} B`,
  );
}

test('a limited viewer receives no trace of what is hidden from them; the admin sees all of it', async ({ page: admin, browser }) => {
  const token = `payroll-token-${randomBytes(8).toString('hex')}`;
  const api = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${token}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ synced: ok }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const apiHost = `127.0.0.1:${(api.address() as AddressInfo).port}`;

  try {
    const account = newOrgAccount('Secrecy');
    await signUp(admin, account);

    // A secret variable holds the API's token; a REST resource sends it.
    await admin.goto('/settings/config-vars');
    await admin.getByLabel('Variable name').fill('PAYROLL_TOKEN');
    await admin.getByRole('checkbox', { name: /Encrypted, write-only/ }).check();
    await admin.getByRole('button', { name: 'Add variable' }).click();
    await admin.getByTestId('config-vars').getByLabel('PAYROLL_TOKEN in production').fill(token);
    await admin.getByRole('button', { name: 'Save values' }).click();
    await expect(admin.getByText(/^Saved \(/)).toBeVisible();

    await admin.goto('/resources');
    await admin.getByLabel('New resource name').fill('Payroll API');
    await admin.getByRole('button', { name: 'Create resource' }).click();
    await expect(admin.getByRole('heading', { level: 1, name: 'Payroll API' })).toBeVisible();
    const apiId = admin.url().split('/').pop()!;
    const production = admin.locator('[data-config-env="production"]');
    await production.getByLabel('Type').selectOption('rest');
    await production.getByLabel('Base URL').fill(`http://${apiHost}/hr`);
    await production.getByLabel('Authentication').selectOption('bearer');
    await production.getByLabel('Bearer token', { exact: true }).fill('{{ environment.variables.PAYROLL_TOKEN }}');
    await production.getByRole('button', { name: 'Save production' }).click();
    await expect(production.getByText(/^Saved \(/)).toBeVisible();

    const sampleId = await addSampleDatabase(admin);
    const appId = await createApp(admin, 'Payroll');

    const onlyAdmins = "{{ !current_user.groups.includes('Admin') }}";
    const sql = {
      team: 'select id, product as team_member from orders order by id limit {{ Number(limit.value || 3) }}',
      salaries: "select id, 'SALARY_FIGURE_' || id as salary_band from orders order by id limit 2",
    };
    const definition = {
      pages: [
        {
          name: 'main',
          components: [
            { type: 'text', name: 'welcome', value: 'Welcome, {{ current_user.firstName }}' },
            { type: 'numberInput', name: 'limit', label: 'How many' },
            { type: 'table', name: 'team', query: 'teamRows', pageSize: 5 },
            { type: 'button', name: 'sync', label: 'Sync directory', query: 'syncDirectory' },
            { type: 'table', name: 'salaryTable', query: 'salaryReport', pageSize: 5, hidden: onlyAdmins },
            { type: 'button', name: 'approveRaises', label: 'Approve raises', query: 'salaryReport', hidden: onlyAdmins },
          ],
        },
      ],
      queries: [
        { type: 'sql', name: 'teamRows', resourceId: sampleId, sql: sql.team },
        { type: 'sql', name: 'salaryReport', resourceId: sampleId, sql: sql.salaries },
        { type: 'rest', name: 'syncDirectory', resourceId: apiId, method: 'POST', path: '/directory-sync', body: '{"full": true}' },
      ],
    };
    expect((await admin.request.put(`/api/apps/${appId}/draft`, { data: definition })).status()).toBe(200);
    expect((await admin.request.post(`/api/apps/${appId}/releases`)).status()).toBe(201);

    const groupUrl = await createGroupWithMember(admin, 'Support');
    await grant(admin, groupUrl, 'Payroll', 'Use');
    const viewerEmail = `support@${account.slug}.test`;
    const viewer = await acceptInvite(browser, await invite(admin, viewerEmail, 'Support'), 'Sam', 'support password 1');
    const seen = captureResponses(viewer);

    await viewer.goto(`/apps/${appId}/view`);
    await expect(viewer.getByText('Welcome, Sam')).toBeVisible();
    await expect(viewer.getByTestId('table-team').locator('tbody tr')).toHaveCount(3);
    await viewer.getByLabel('How many').fill('2');
    await viewer.getByRole('button', { name: 'Sync directory' }).click();
    await expect(viewer.getByRole('button', { name: 'Sync directory' })).toBeEnabled();
    await expect(viewer.getByText('Approve raises')).toHaveCount(0);
    await expect(viewer.getByTestId('table-salaryTable')).toHaveCount(0);
    const rsc = await fetchRsc(viewer);
    expect(rsc).toContain('teamRows');
    if (process.env.VIEWER_METRICS) await measure(viewer, `/apps/${appId}/view`);

    const bodies = await seen.bodies();
    expect(bodies.some((b) => b.url.includes(`/apps/${appId}/view`))).toBe(true);
    expect(bodies.filter((b) => b.url.includes('/queries/')).length).toBeGreaterThanOrEqual(2);
    const forbidden = [
      'salaryTable',
      'Approve raises',
      'approveRaises',
      'salaryReport',
      'SALARY_FIGURE_',
      sql.team,
      sql.salaries,
      'from orders',
      '/directory-sync',
      'Payroll API',
      apiHost,
      token,
      'PAYROLL_TOKEN',
      sampleId,
      apiId,
      "includes('Admin')",
    ];
    for (const { url, body } of [...bodies, { url: 'rsc', body: rsc }]) {
      for (const text of forbidden) expect(body.includes(text), `${url} holds ${text}`).toBe(false);
    }

    // Asked for directly, the hidden query is refused and the refusal is in the audit log.
    const direct = await viewer.request.post(`/api/apps/${appId}/queries/salaryReport/run`, { data: { values: {} } });
    expect(direct.status()).toBe(403);
    expect(await direct.text()).not.toContain('SALARY_FIGURE_');
    const audit = await admin.request.get('/api/internal/audit-export?format=ndjson');
    const denied = (await audit.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { actionType: string; userEmail: string | null; metadata: unknown })
      .filter((e) => e.actionType === 'DENY_QUERY_RUN');
    expect(denied).toEqual([expect.objectContaining({ userEmail: viewerEmail })]);
    expect(denied[0]!.metadata).toMatchObject({ reason: 'hidden', queryName: 'salaryReport' });

    // The admin's page has both, and runs the salary report.
    await admin.goto(`/apps/${appId}/view`);
    await expect(admin.getByTestId('table-salaryTable')).toContainText('SALARY_FIGURE_1');
    await expect(admin.getByRole('button', { name: 'Approve raises' })).toBeEnabled();
    await admin.getByRole('button', { name: 'Approve raises' }).click();
    await expect(admin.getByRole('button', { name: 'Approve raises' })).toBeEnabled();
    // Still no query body in the admin's view page either: those stay in the editor.
    const adminRsc = await fetchRsc(admin);
    expect(adminRsc).toContain('salaryReport');
    expect(adminRsc).not.toContain(sql.salaries);
    await viewer.context().close();
  } finally {
    api.closeAllConnections();
    await new Promise((r) => api.close(r));
  }
});
