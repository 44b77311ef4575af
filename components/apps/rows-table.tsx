'use client';
// Query rows as tables: the viewer's paged table bound to a query, and the plain table the editor's
// run result shows.
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Table, Td, Th } from '@/components/ui/fields';
import { toText } from '@/lib/apps/expressions';
import type { QueryOutcome } from '@/components/apps/run-app-query';

/** Query rows as a table: one column per key of `columns`, values shown as text. */
export function RowsTable({
  testId,
  columns,
  rows,
  firstKey = 0,
}: {
  testId: string;
  columns: string[];
  rows: Record<string, unknown>[];
  firstKey?: number;
}) {
  return (
    <Table testId={testId}>
      <thead>
        <tr>
          {columns.map((k) => (
            <Th key={k}>{k}</Th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row, i) => (
          <tr key={firstKey + i}>
            {columns.map((k) => (
              <Td key={k}>{toText(row[k])}</Td>
            ))}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** A table bound to a query's rows, shown `pageSize` at a time. */
export function PagedTable({
  name,
  pageSize,
  state,
  disabled,
}: {
  name: string;
  pageSize: number;
  state?: { outcome?: QueryOutcome; running: boolean };
  disabled: boolean;
}) {
  const [pageNo, setPageNo] = useState(0);
  const rows = Array.isArray(state?.outcome?.data) ? (state.outcome.data as Record<string, unknown>[]) : [];
  const columns = rows[0] && typeof rows[0] === 'object' ? Object.keys(rows[0]) : [];
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(pageNo, pages - 1);
  const shown = rows.slice(current * pageSize, (current + 1) * pageSize);
  const first = rows.length === 0 ? 0 : current * pageSize + 1;
  return (
    <div>
      {state?.outcome?.error ? (
        <p role="alert" className="mb-2 text-sm text-red-700">
          {state.outcome.error}
        </p>
      ) : null}
      <RowsTable testId={`table-${name}`} columns={columns} rows={shown} firstKey={current * pageSize} />
      <div className="mt-2 flex items-center justify-between gap-3 text-xs text-slate-500" data-testid={`table-${name}-footer`}>
        <span role="status">
          {state?.running
            ? 'Loading…'
            : `${first}–${first === 0 ? 0 : first + shown.length - 1} of ${rows.length} ${rows.length === 1 ? 'row' : 'rows'}${state?.outcome?.truncated ? ' (truncated)' : ''}`}
        </span>
        <nav aria-label={`Pages of ${name}`} className="flex items-center gap-2">
          <Button
            variant="secondary"
            className="px-2 py-1 text-xs"
            disabled={disabled || current === 0}
            onClick={() => setPageNo(current - 1)}
          >
            Previous
          </Button>
          <span>
            Page {current + 1} of {pages}
          </span>
          <Button
            variant="secondary"
            className="px-2 py-1 text-xs"
            disabled={disabled || current >= pages - 1}
            onClick={() => setPageNo(current + 1)}
          >
            Next
          </Button>
        </nav>
      </div>
    </div>
  );
}
