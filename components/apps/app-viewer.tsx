'use client';
// Renders an app's view (lib/apps/view.ts): for its users the view the server decided for them
// (hidden components left out, `disabled` resolved, queries as names and inputs), and in the
// editor's preview the same view built from the draft. Templates that read components or query
// results evaluate here, for display only; queries run on the server through the run endpoint,
// which decides everything. Each query's last run lives in react-query's cache, so a button that
// reruns a query refreshes the tables bound to it.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Markdown } from '@/components/apps/markdown';
import { PagedTable } from '@/components/apps/rows-table';
import { runAppQuery, type QueryOutcome, type RunTarget } from '@/components/apps/run-app-query';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/fields';
import { SubmitButton } from '@/components/form/submit-button';
import { evaluateTemplate, toText } from '@/lib/apps/expressions';
import type { CurrentUser } from '@/lib/apps/reads';
import type { AppView, ViewComponent, ViewQuery, ViewValue } from '@/lib/apps/view';
import { appKeys } from '@/lib/query-keys';

function valueOf(v: ViewValue | undefined, scope: Record<string, unknown>): { value: unknown; error?: string } {
  if (v === undefined) return { value: undefined };
  if ('value' in v) return { value: v.value };
  if ('error' in v) return { value: undefined, error: v.error };
  try {
    return { value: evaluateTemplate(v.template, scope) };
  } catch (e) {
    return { value: undefined, error: e instanceof Error ? e.message : 'Expression failed.' };
  }
}

/** The values a query is sent: its inputs only (all of them in the editor's preview of a library query). */
function inputsFor(query: ViewQuery | undefined, values: Record<string, unknown>): Record<string, unknown> {
  if (!query?.inputs) return values;
  return Object.fromEntries(query.inputs.filter((n) => Object.hasOwn(values, n)).map((n) => [n, values[n]]));
}

export function AppViewer({ target, view, currentUser }: { target: RunTarget; view: AppView; currentUser: CurrentUser }) {
  const [pageIndex, setPageIndex] = useState(0);
  const page = view.pages[Math.min(pageIndex, view.pages.length - 1)]!;
  const [values, setValues] = useState<Record<string, unknown>>({});
  // Queries read the values as they are when they run, not when the page rendered.
  const valuesRef = useRef(values);
  useEffect(() => {
    valuesRef.current = values;
  }, [values]);
  const queryClient = useQueryClient();
  const envKey = target.environmentId ?? 'default';
  const source = `${target.pageVersion}:${target.revision}`;
  // The page's tables run their queries as it opens; buttons and forms run theirs on demand.
  const onPage = new Set(page.components.flatMap((c) => (c.type === 'table' ? [c.query] : [])));

  const queryOptions = (q: ViewQuery) => ({
    queryKey: appKeys.run(target.appId, source, envKey, q.name),
    queryFn: () => runAppQuery(target, q.name, { pageName: page.name, values: inputsFor(q, valuesRef.current), current_user: currentUser }),
    staleTime: Infinity,
    retry: false,
  });
  const results = useQueries({ queries: view.queries.map((q) => ({ ...queryOptions(q), enabled: onPage.has(q.name) })) });
  const queries: Record<string, { outcome?: QueryOutcome; running: boolean }> = {};
  view.queries.forEach((q, i) => (queries[q.name] = { outcome: results[i]?.data, running: results[i]?.isFetching ?? false }));
  // A disabled button or form names no query (null): there is nothing for it to run.
  const stateOf = (name: string | null) => (name === null ? undefined : queries[name]);
  const run = (name: string | null) => {
    const q = view.queries.find((v) => v.name === name);
    if (q) void queryClient.fetchQuery({ ...queryOptions(q), staleTime: 0 });
  };

  const scope: Record<string, unknown> = { current_user: currentUser, ...values };
  for (const [name, q] of Object.entries(queries)) scope[name] = { data: q.outcome?.data ?? null, error: q.outcome?.error ?? null };

  const setValue = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: { value } }));

  const render = (c: ViewComponent) => {
    const disabled = c.disabled;
    switch (c.type) {
      case 'text': {
        const r = valueOf(c.value, scope);
        return r.error ? <p className="text-sm text-red-700">{r.error}</p> : <Markdown source={toText(r.value)} />;
      }
      case 'stat': {
        const r = valueOf(c.value, scope);
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
        const initial = valueOf(c.defaultValue, scope);
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
            <Button disabled={disabled || stateOf(c.query)?.running} onClick={() => run(c.query)}>
              {c.label}
            </Button>
            {stateOf(c.query)?.outcome?.error ? (
              <span role="alert" className="text-sm text-red-700">
                {stateOf(c.query)!.outcome!.error}
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
              <SubmitButton disabled={disabled || stateOf(c.submitQuery)?.running}>Submit</SubmitButton>
              {stateOf(c.submitQuery)?.outcome?.error ? (
                <span role="alert" className="text-sm text-red-700">
                  {stateOf(c.submitQuery)!.outcome!.error}
                </span>
              ) : null}
            </div>
          </form>
        );
    }
  };

  return (
    <div className="space-y-4" data-testid="app-viewer">
      {view.pages.length > 1 ? (
        <nav aria-label="App pages" className="flex gap-1 border-b border-slate-200">
          {view.pages.map((p, i) => (
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
