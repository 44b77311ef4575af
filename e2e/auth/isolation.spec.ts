import { expect, newOrgAccount, signedInPage, signUp, test } from '../fixtures';
import { AuditPage } from '../pages/audit-page';
import { SignInPage } from '../pages/sign-in-page';

test('two organizations are isolated from each other', async ({ page, browser }) => {
  const a = newOrgAccount('Alpha');
  const b = newOrgAccount('Bravo');
  await signUp(page, a);
  const pageB = await signedInPage(browser, (await signUp(await (await browser.newContext()).newPage(), b), b));

  // Each dashboard shows its own organization.
  await expect(page.getByTestId('org-name')).toHaveText(a.name);
  await expect(pageB.getByTestId('org-name')).toHaveText(b.name);

  // A's credentials do not open B.
  const stranger = await (await browser.newContext()).newPage();
  const signIn = new SignInPage(stranger);
  await signIn.goto(b.slug);
  await signIn.signIn(a.email, a.password);
  await expect(signIn.error).toHaveText('Incorrect email or password.');

  // A's audit log holds only A's events; B's failed sign-in attempt by A's email is B's record.
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows('CREATE_ORGANIZATION')).toHaveCount(1);
  await expect(page.getByTestId('audit-table')).toContainText(a.email);
  await expect(page.getByTestId('audit-table')).not.toContainText(b.email);

  const auditB = new AuditPage(pageB);
  await auditB.goto();
  await expect(auditB.rows('LOGIN_FAILED')).toHaveCount(1);
  await expect(auditB.rows('LOGIN_FAILED')).toContainText('unknown_user');
});
