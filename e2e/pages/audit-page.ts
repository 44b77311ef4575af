import { expect, type Locator, type Page } from '@playwright/test';

export type AuditFilters = { actions?: string[]; text?: string; user?: string; requestId?: string };

export class AuditPage {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    await this.page.goto(`/audit${query ? `?${query}` : ''}`);
    await expect(this.page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  }

  /** The table's rows, or only those of one action type. */
  rows(actionType?: string) {
    return this.page.locator(`[data-testid="audit-table"] tbody tr${actionType ? `[data-action="${actionType}"]` : ''}`);
  }

  get form() {
    return this.page.getByRole('search', { name: 'Filter audit events' });
  }

  /** Fills the given fields of the filter bar (an empty list or string clears one) and applies them. */
  async filter(filters: AuditFilters) {
    if (filters.actions) await this.form.getByLabel('Action types').selectOption(filters.actions);
    if (filters.text !== undefined) await this.form.getByLabel('Text in metadata').fill(filters.text);
    if (filters.user !== undefined) await this.form.getByLabel('User').fill(filters.user);
    if (filters.requestId !== undefined) await this.form.getByLabel('Request id').fill(filters.requestId);
    await this.form.getByRole('button', { name: 'Apply filters' }).click();
  }

  get detail() {
    return this.page.getByTestId('audit-event');
  }

  async openEvent(row: Locator) {
    await row.getByRole('link', { name: /^View event/ }).click();
    await expect(this.detail).toBeVisible();
  }

  /** Follows "filter by this value" on a field of the open event, e.g. `requestId` or `metadata.groupName`. */
  async filterByValue(field: string) {
    await this.detail.getByRole('link', { name: `Filter by this value: ${field}`, exact: true }).click();
  }

  exportLink(format: 'CSV' | 'NDJSON') {
    return this.page.getByRole('link', { name: format, exact: true });
  }
}
