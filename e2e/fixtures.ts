import { randomBytes } from 'node:crypto';
import { test as base, expect, type Browser, type BrowserContext, type ConsoleMessage, type Page } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';

export { expect };

/** What the pages' own listener prints for each violation (reportViolations). */
const VIOLATION_MARK = '[gatehouse csp violation]';
/**
 * Chromium's console message for a blocked script, eval, style, image, frame, connection or form
 * target: "Loading the script '…' violates the following Content Security Policy directive: …",
 * "Framing '…' violates …", or in older versions "Refused to …".
 */
const REFUSED = /violates the following Content Security Policy directive|^(\[Report Only\] )?Refused to /;

/** Runs in every frame before its scripts: reports each securitypolicyviolation on the console. */
function reportViolations(mark: string) {
  document.addEventListener('securitypolicyviolation', (e) =>
    console.error(
      `${mark} ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`,
    ),
  );
}

type CspGuard = {
  watch: (context: BrowserContext) => Promise<void>;
  /** For a test that breaks the policy on purpose: such violations are required, not refused. */
  expectViolation: (pattern: RegExp) => void;
};

/**
 * Every spec imports `test` from here: each test fails if any page it opened, in its own context
 * or in one it made with browser.newContext(), broke the Content-Security-Policy (decision 0037).
 */
export const test = base.extend<{ cspGuard: CspGuard }>({
  cspGuard: [
    async ({ browser }, provide) => {
      const violations: string[] = [];
      const expected: RegExp[] = [];
      const watched = new WeakSet<BrowserContext>();
      const watch = async (context: BrowserContext) => {
        if (watched.has(context)) return;
        watched.add(context);
        context.on('console', (message: ConsoleMessage) => {
          const text = message.text();
          if (text.startsWith(VIOLATION_MARK) || REFUSED.test(text)) violations.push(`${message.page()?.url() ?? '(no page)'}: ${text}`);
        });
        // Chromium's own console message is the record; this listener adds the directive and source.
        await context.addInitScript(reportViolations, VIOLATION_MARK);
      };
      const watchNew = (context: BrowserContext) => void watch(context).catch(() => {});
      browser.on('context', watchNew);
      await provide({ watch, expectViolation: (pattern) => expected.push(pattern) });
      browser.off('context', watchNew);
      for (const pattern of expected)
        expect(violations.filter((v) => pattern.test(v)).length, `a violation matching ${pattern}`).toBeGreaterThan(0);
      const unexpected = violations.filter((v) => !expected.some((pattern) => pattern.test(v)));
      expect(unexpected, 'Content-Security-Policy violations on the pages this test opened').toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, cspGuard }, provide) => {
    await cspGuard.watch(context);
    await provide(context);
  },
});

export type OrgAccount = { name: string; slug: string; firstName: string; lastName: string; email: string; password: string };

/** A unique organization and admin, so tests never share state. */
export function newOrgAccount(label: string): OrgAccount {
  const id = randomBytes(3).toString('hex');
  return {
    name: `${label} ${id}`,
    slug: `${label.toLowerCase()}-${id}`,
    firstName: label,
    lastName: 'Tester',
    email: `admin-${id}@${label.toLowerCase()}.test`,
    password: `correct horse ${id} battery`,
  };
}

/** Fills the create-organization form (first run and /signup) and submits it. */
export async function submitOrganizationForm(page: Page, account: OrgAccount): Promise<void> {
  await page.getByLabel('Organization name').fill(account.name);
  await page.getByLabel('Organization URL name').fill(account.slug);
  await page.getByLabel('First name').fill(account.firstName);
  await page.getByLabel('Last name').fill(account.lastName);
  await page.getByLabel('Work email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Create organization' }).click();
}

/** Creates the organization through /signup; the admin ends up signed in on the dashboard. */
export async function signUp(page: Page, account: OrgAccount): Promise<void> {
  await page.goto('/signup');
  await submitOrganizationForm(page, account);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
}

/** A new browser context with the admin of `account` signed in. */
export async function signedInPage(browser: Browser, account: OrgAccount): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const signIn = new SignInPage(page);
  await signIn.goto(account.slug);
  await signIn.signIn(account.email, account.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${account.firstName}` })).toBeVisible();
  return page;
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in\//);
}

/** Creates a token in Settings → API tokens and returns it (it is shown once). */
export async function createApiToken(page: Page, scopes: string[], note: string): Promise<string> {
  await page.goto('/settings/api-tokens');
  await page.getByLabel('Note').fill(note);
  for (const s of scopes) await page.getByLabel(s, { exact: true }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = page.getByLabel('New API token');
  await expect(token).toBeVisible();
  return token.inputValue();
}

/** As an admin: invites `email` (optionally into `group`) and returns the invitation link. */
export async function invite(adminPage: Page, email: string, group?: string): Promise<string> {
  await adminPage.goto('/users');
  await adminPage.getByLabel('Email to invite').fill(email);
  if (group) await adminPage.getByLabel('Add to group').selectOption({ label: group });
  await adminPage.getByRole('button', { name: 'Invite' }).click();
  const link = adminPage.getByLabel('Invitation link');
  await expect(link).toBeVisible();
  return link.inputValue();
}

/** Accepts an invitation in a fresh browser and returns the signed-in page. */
export async function acceptInvite(browser: Browser, link: string, firstName: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await page.getByLabel('First name').fill(firstName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page).not.toHaveURL(/\/invite\//);
  return page;
}

export async function createGroupWithMember(adminPage: Page, name: string, memberEmail?: string): Promise<string> {
  await adminPage.goto('/groups');
  await adminPage.getByLabel('Group name').fill(name);
  await adminPage.getByRole('button', { name: 'Create group' }).click();
  // A new group opens on its own page.
  await expect(adminPage.getByRole('heading', { level: 1, name })).toBeVisible();
  if (memberEmail) {
    await adminPage.getByLabel('User to add').selectOption({ label: memberEmail });
    await adminPage.getByRole('button', { name: 'Add member' }).click();
    await expect(adminPage.getByTestId('members').locator(`[data-email="${memberEmail}"]`)).toBeVisible();
  }
  return adminPage.url();
}

export async function grant(adminPage: Page, groupUrl: string, target: string, level: 'Use' | 'Edit' | 'Own'): Promise<void> {
  await adminPage.goto(groupUrl);
  await adminPage.getByLabel('Grant access to').selectOption({ label: target });
  await adminPage.getByLabel('Level').selectOption({ label: level });
  await adminPage.getByRole('button', { name: 'Grant' }).click();
  await expect(adminPage.getByTestId('grants')).toContainText(target.replace(/^All /, 'All '));
}

/** As an admin: adds the built-in sample database and returns its resource id. */
export async function addSampleDatabase(adminPage: Page): Promise<string> {
  await adminPage.goto('/resources');
  await adminPage.getByRole('button', { name: 'Add the sample database' }).click();
  const link = adminPage.getByRole('link', { name: 'Sample database' });
  await expect(link).toBeVisible();
  return (await link.getAttribute('href'))!.split('/').pop()!;
}

/** As an admin: creates an app at the top level, opens its page and returns its id. */
export async function createApp(adminPage: Page, name: string): Promise<string> {
  await adminPage.goto('/apps');
  await adminPage.getByLabel('New app name').fill(name);
  await adminPage.getByLabel('Folder', { exact: true }).selectOption({ label: 'No folder' });
  await adminPage.getByRole('button', { name: 'Create app' }).click();
  await adminPage.getByRole('link', { name, exact: true }).click();
  await expect(adminPage.getByRole('heading', { level: 1, name })).toBeVisible();
  return adminPage.url().split('/').pop()!;
}
