import { expect, type Page } from '@playwright/test';

export class AuditPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/audit');
    await expect(this.page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  }

  rows(actionType: string) {
    return this.page.locator(`[data-testid="audit-table"] tr[data-action="${actionType}"]`);
  }
}
