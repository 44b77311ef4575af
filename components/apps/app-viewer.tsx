'use client';
// Renders an app definition: the released app for its users, and the draft in the editor's live
// preview (the same renderer). Components evaluate their `{{ }}` in the browser for display only;
// queries run on the server through the run endpoint, which decides everything. Each query's last
// run lives in react-query's cache, so a button that reruns a query refreshes the tables bound to it.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Markdown } from '@/components/apps/markdown';
import { PagedTable } from '@/components/apps/rows-table';
import { runAppQuery, type QueryOutcome, type RunTarget } from '@/components/apps/run-app-query';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/fields';
import { SubmitButton } from '@/components/form/submit-button';
import type { AppComponent, AppDefinition } from '@/lib/apps/definition';
import { evaluateTemplate, toText } from '@/lib/apps/expressions';
import type { CurrentUser } from '@/lib/apps/reads';
import { appKeys } from '@/lib/query-keys';

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
