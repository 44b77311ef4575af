'use client';
// Renders a released app's first page: components evaluate their `{{ }}` in the browser for
// display only; queries run on the server through the run endpoint, which decides everything.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Select, Table, Td, Th } from '@/components/ui/fields';
import type { AppComponent, AppDefinition } from '@/lib/apps/definition';
import { evaluateTemplate, toText } from '@/lib/apps/expressions';
import type { CurrentUser } from '@/lib/apps/reads';

type QueryState = { data?: unknown; error?: string; running?: boolean };

function safeEval(template: string | undefined, scope: Record<string, unknown>): { value: unknown; error?: string } {
  if (template === undefined) return { value: undefined };
  try {
    return { value: evaluateTemplate(template, scope) };
  } catch (e) {
    return { value: undefined, error: e instanceof Error ? e.message : 'Expression failed.' };
  }
}

export function AppViewer({ appId, definition, currentUser }: { appId: string; definition: AppDefinition; currentUser: CurrentUser }) {
  const page = definition.pages[0]!;
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [queries, setQueries] = useState<Record<string, QueryState>>({});
  const scope = useMemo(() => {
    const s: Record<string, unknown> = { current_user: currentUser, ...values };
    for (const [name, q] of Object.entries(queries)) s[name] = { data: q.data ?? null, error: q.error ?? null };
    return s;
  }, [currentUser, values, queries]);

  const fetchQuery = useCallback(
    async (name: string): Promise<{ data?: unknown; error?: string }> => {
      const res = await fetch(`/api/apps/${appId}/queries/${encodeURIComponent(name)}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pageName: page.name, values, current_user: currentUser }),
      });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; data?: unknown; error?: string | { message?: string } };
      if (!res.ok) return { error: typeof body.error === 'object' ? (body.error?.message ?? `HTTP ${res.status}`) : `HTTP ${res.status}` };
      return body.ok ? { data: body.data } : { error: toText(body.error) };
    },
    [appId, page.name, values, currentUser],
  );
  const apply = useCallback((name: string, r: { data?: unknown; error?: string }) => {
    setQueries((q) => ({ ...q, [name]: { data: r.error ? q[name]?.data : r.data, error: r.error, running: false } }));
  }, []);
  const run = async (name: string) => {
    setQueries((q) => ({ ...q, [name]: { ...q[name], running: true } }));
    apply(name, await fetchQuery(name));
  };

  const tableQueries = useMemo(() => [...new Set(page.components.flatMap((c) => (c.type === 'table' ? [c.query] : [])))], [page]);
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    for (const q of tableQueries) void fetchQuery(q).then((r) => apply(q, r));
  }, [tableQueries, fetchQuery, apply]);

  const setValue = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: { value } }));

  const render = (c: AppComponent) => {
    if (safeEval(c.hidden, scope).value) return null;
    const disabled = Boolean(safeEval(c.disabled, scope).value);
    switch (c.type) {
      case 'text': {
        const r = safeEval(c.value, scope);
        return <p className="text-sm text-slate-800">{r.error ?? toText(r.value)}</p>;
      }
      case 'stat': {
        const r = safeEval(c.value, scope);
        return (
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <div className="text-xs text-slate-500">{c.label}</div>
            <div className="text-xl font-semibold">{r.error ?? toText(r.value)}</div>
          </div>
        );
      }
      case 'table': {
        const state = queries[c.query];
        const rows = Array.isArray(state?.data) ? (state.data as Record<string, unknown>[]) : [];
        const columns = rows[0] ? Object.keys(rows[0]) : [];
        return (
          <div>
            {state?.error ? <p className="mb-2 text-sm text-red-700">{state.error}</p> : null}
            <Table testId={`table-${c.name}`}>
              <thead>
                <tr>
                  {columns.map((k) => (
                    <Th key={k}>{k}</Th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, c.pageSize).map((row, i) => (
                  <tr key={i}>
                    {columns.map((k) => (
                      <Td key={k}>{toText(row[k])}</Td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </Table>
            <p className="mt-1 text-xs text-slate-500">{state?.running ? 'Loading…' : `${rows.length} rows`}</p>
          </div>
        );
      }
      case 'textInput':
      case 'numberInput':
        return (
          <Input
            aria-label={c.label || c.name}
            type={c.type === 'numberInput' ? 'number' : 'text'}
            disabled={disabled}
            onChange={(e) => setValue(c.name, c.type === 'numberInput' ? Number(e.target.value) : e.target.value)}
          />
        );
      case 'select':
        return (
          <Select aria-label={c.label || c.name} disabled={disabled} defaultValue="" onChange={(e) => setValue(c.name, e.target.value)}>
            <option value="">Choose…</option>
            {c.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        );
      case 'button':
        return (
          <div className="flex items-center gap-3">
            <Button disabled={disabled || queries[c.query]?.running} onClick={() => void run(c.query)}>
              {c.label}
            </Button>
            {queries[c.query]?.error ? <span className="text-sm text-red-700">{queries[c.query]!.error}</span> : null}
          </div>
        );
      case 'form':
        return (
          <form
            className="space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              void run(c.submitQuery);
            }}
          >
            {c.fields.map((f) => (
              <Input
                key={f.name}
                aria-label={f.label || f.name}
                type={f.input === 'number' ? 'number' : 'text'}
                onChange={(e) => setValues((v) => ({ ...v, [c.name]: { data: { ...((v[c.name] as { data?: object } | undefined)?.data ?? {}), [f.name]: e.target.value } } }))}
              />
            ))}
            <Button type="submit" disabled={disabled}>
              Submit
            </Button>
          </form>
        );
    }
  };

  return (
    <div className="space-y-4" data-testid="app-viewer">
      {page.components.map((c) => (
        <div key={c.name} data-component={c.name}>
          {render(c)}
        </div>
      ))}
    </div>
  );
}
