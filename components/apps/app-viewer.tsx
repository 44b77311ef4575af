'use client';
// Renders an app definition: the released app for its users, and the draft in the editor's live
// preview (the same renderer). Components evaluate their `{{ }}` in the browser for display only;
// queries run on the server through the run endpoint, which decides everything. Each query's last
// run lives in react-query's cache, so a button that reruns a query refreshes the tables bound to it.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Markdown } from '@/components/apps/markdown';
import { Button } from '@/components/ui/button';
import { Input, Select, Table, Td, Th } from '@/components/ui/fields';
import { SubmitButton } from '@/components/form/submit-button';
import type { AppComponent, AppDefinition } from '@/lib/apps/definition';
import { evaluateTemplate, toText } from '@/lib/apps/expressions';
import type { CurrentUser } from '@/lib/apps/reads';
import { appKeys } from '@/lib/query-keys';

export type QueryOutcome = { data?: unknown; rowCount?: number | null; truncated?: boolean; error?: string; responseTimeMs?: number };

export type RunTarget = {
  appId: string;
  /** `released`: the newest release (viewers); `latest`: the saved draft (editors). */
  pageVersion: 'released' | 'latest';
  /** Another environment than the default (editors only; the server checks). */
  environmentId?: string;
  /** Changes when the definition the server holds changes (a release number, a draft save). */
  revision: string;
};

/** Runs one query of the app through the run endpoint; failures come back as `error`, never thrown. */
export async function runAppQuery(
  target: RunTarget,
  queryName: string,
  body: { pageName?: string; values?: Record<string, unknown>; current_user?: CurrentUser },
): Promise<QueryOutcome> {
  try {
    const res = await fetch(`/api/apps/${target.appId}/queries/${encodeURIComponent(queryName)}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pageVersion: target.pageVersion,
        ...(target.environmentId ? { environmentId: target.environmentId } : {}),
        ...body,
      }),
    });
    const json = (await res.json().catch(() => ({}))) as {
      ok?: boolean;
      data?: unknown;
      rowCount?: number | null;
      truncated?: boolean;
      responseTimeMs?: number;
      error?: unknown;
    };
    if (!res.ok) {
      const err = json.error as { message?: string } | undefined;
      return { error: err?.message ?? `The server answered HTTP ${res.status}.` };
    }
    if (!json.ok) return { error: toText(json.error), responseTimeMs: json.responseTimeMs };
    return { data: json.data, rowCount: json.rowCount, truncated: json.truncated, responseTimeMs: json.responseTimeMs };
  } catch {
    return { error: 'Could not reach Gatehouse.' };
  }
}

function safeEval(template: string | undefined, scope: Record<string, unknown>): { value: unknown; error?: string } {
  if (template === undefined || template === '') return { value: undefined };
  try {
    return { value: evaluateTemplate(template, scope) };
  } catch (e) {
    return { value: undefined, error: e instanceof Error ? e.message : 'Expression failed.' };
  }
}

/** The queries a page shows data of as soon as it opens (tables); buttons and forms run on demand. */
function autoRun(components: AppComponent[]): Set<string> {
  return new Set(components.flatMap((c) => (c.type === 'table' ? [c.query] : [])));
}

export function AppViewer({ target, definition, currentUser }: { target: RunTarget; definition: AppDefinition; currentUser: CurrentUser }) {
  const [pageIndex, setPageIndex] = useState(0);
  const page = definition.pages[Math.min(pageIndex, definition.pages.length - 1)]!;
  const [values, setValues] = useState<Record<string, unknown>>({});
  // Queries read the values as they are when they run, not when the page rendered.
  const valuesRef = useRef(values);
  useEffect(() => {
    valuesRef.current = values;
  }, [values]);
  const queryClient = useQueryClient();
  const envKey = target.environmentId ?? 'default';
  const source = `${target.pageVersion}:${target.revision}`;
  const auto = useMemo(() => autoRun(page.components), [page]);

  const queryOptions = (name: string) => ({
    queryKey: appKeys.run(target.appId, source, envKey, name),
    queryFn: () => runAppQuery(target, name, { pageName: page.name, values: valuesRef.current, current_user: currentUser }),
    staleTime: Infinity,
    retry: false,
  });
  const results = useQueries({ queries: definition.queries.map((q) => ({ ...queryOptions(q.name), enabled: auto.has(q.name) })) });
  const queries: Record<string, { outcome?: QueryOutcome; running: boolean }> = {};
  definition.queries.forEach((q, i) => (queries[q.name] = { outcome: results[i]?.data, running: results[i]?.isFetching ?? false }));
  const run = (name: string) => void queryClient.fetchQuery({ ...queryOptions(name), staleTime: 0 });

  const scope: Record<string, unknown> = { current_user: currentUser, ...values };
  for (const [name, q] of Object.entries(queries)) scope[name] = { data: q.outcome?.data ?? null, error: q.outcome?.error ?? null };

  const setValue = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: { value } }));

  const render = (c: AppComponent) => {
    if (safeEval(c.hidden, scope).value) return null;
    const disabled = Boolean(safeEval(c.disabled, scope).value);
    switch (c.type) {
      case 'text': {
        const r = safeEval(c.value, scope);
        return r.error ? <p className="text-sm text-red-700">{r.error}</p> : <Markdown source={toText(r.value)} />;
      }
      case 'stat': {
        const r = safeEval(c.value, scope);
        return (
          <div
            className="inline-block min-w-40 rounded-md border border-slate-200 bg-white p-3"
            role="group"
            aria-label={c.label || c.name}
          >
            <div className="text-xs text-slate-500">{c.label}</div>
            <div className={`text-xl font-semibold ${r.error ? 'text-red-700' : ''}`}>{r.error ?? toText(r.value)}</div>
          </div>
        );
      }
      case 'table':
        return <PagedTable name={c.name} pageSize={c.pageSize} state={queries[c.query]} disabled={disabled} />;
      case 'textInput':
      case 'numberInput': {
        const initial = safeEval(c.defaultValue, scope);
        return (
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">{c.label || c.name}</span>
            <Input
              type={c.type === 'numberInput' ? 'number' : 'text'}
              disabled={disabled}
              defaultValue={initial.value === undefined ? undefined : toText(initial.value)}
              onChange={(e) =>
                setValue(c.name, c.type === 'numberInput' ? (e.target.value === '' ? null : Number(e.target.value)) : e.target.value)
              }
            />
          </label>
        );
      }
      case 'select':
        return (
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">{c.label || c.name}</span>
            <Select disabled={disabled} defaultValue="" onChange={(e) => setValue(c.name, e.target.value)}>
              <option value="">Choose…</option>
              {c.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </label>
        );
      case 'button':
        return (
          <div className="flex items-center gap-3">
            <Button disabled={disabled || queries[c.query]?.running} onClick={() => run(c.query)}>
              {c.label}
            </Button>
            {queries[c.query]?.outcome?.error ? (
              <span role="alert" className="text-sm text-red-700">
                {queries[c.query]!.outcome!.error}
              </span>
            ) : null}
          </div>
        );
      case 'form':
        return (
          <form
            method="post"
            className="space-y-2"
            aria-label={c.name}
            onSubmit={(e) => {
              e.preventDefault();
              run(c.submitQuery);
            }}
          >
            {c.fields.map((f) => (
              <label key={f.name} className="block text-sm">
                <span className="mb-1 block font-medium text-slate-700">{f.label || f.name}</span>
                <Input
                  type={f.input === 'number' ? 'number' : 'text'}
                  disabled={disabled}
                  onChange={(e) =>
                    setValues((v) => ({
                      ...v,
                      [c.name]: {
                        data: {
                          ...((v[c.name] as { data?: object } | undefined)?.data ?? {}),
                          [f.name]: f.input === 'number' ? Number(e.target.value) : e.target.value,
                        },
                      },
                    }))
                  }
                />
              </label>
            ))}
            <div className="flex items-center gap-3">
              <SubmitButton disabled={disabled || queries[c.submitQuery]?.running}>Submit</SubmitButton>
              {queries[c.submitQuery]?.outcome?.error ? (
                <span role="alert" className="text-sm text-red-700">
                  {queries[c.submitQuery]!.outcome!.error}
                </span>
              ) : null}
            </div>
          </form>
        );
    }
  };

  return (
    <div className="space-y-4" data-testid="app-viewer">
      {definition.pages.length > 1 ? (
        <nav aria-label="App pages" className="flex gap-1 border-b border-slate-200">
          {definition.pages.map((p, i) => (
            <button
              key={p.name}
              type="button"
              aria-current={p === page ? 'page' : undefined}
              onClick={() => setPageIndex(i)}
              className={`-mb-px border-b-2 px-3 py-1.5 text-sm font-medium ${p === page ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
            >
              {p.name}
            </button>
          ))}
        </nav>
      ) : null}
      {page.components.map((c) => (
        <div key={c.name} data-component={c.name}>
          {render(c)}
        </div>
      ))}
    </div>
  );
}

/** A table bound to a query's rows, shown `pageSize` at a time. */
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

function PagedTable({
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
