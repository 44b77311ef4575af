'use client';
import { useState } from 'react';
import { RowsTable } from '@/components/apps/rows-table';
import { Button } from '@/components/ui/button';
import { Badge, Field, Select } from '@/components/ui/fields';
import { useHydrated } from '@/components/ui/use-hydrated';
import { toText } from '@/lib/apps/expressions';
import { Panel } from './panel';
import { LibraryQueryProperties, QueryProperties } from './query-properties';
import type { EditorEnvironment, EditorLibraryQuery, EditorResource, QueryType, RunResult } from './state';
import type { AppEditorModel } from './use-app-editor';

/** The app's queries (select, remove, add one), the selected one's properties, and Run in a chosen environment. */
export function QueriesPanel({
  editor,
  resources,
  libraryQueries,
  environments,
}: {
  editor: AppEditorModel;
  resources: EditorResource[];
  libraryQueries: EditorLibraryQuery[];
  environments: EditorEnvironment[];
}) {
  const hydrated = useHydrated();
  const [queryType, setQueryType] = useState<QueryType>('sql');
  const { draft, query, problemAt, run, json, dispatch } = editor;
  const { selectedQuery, environmentId, runResult } = editor.state;
  const addQuery = () =>
    dispatch(
      queryType === 'library'
        ? { type: 'addQuery', queryType, library: libraryQueries[0]! }
        : { type: 'addQuery', queryType, resourceId: resources[0]?.id ?? '' },
    );
  return (
    <Panel title="Queries" labelledBy="queries-heading">
      {!draft ? (
        <p className="text-sm text-slate-600">Fix the JSON below to use the query panel.</p>
      ) : (
        <>
          <ul aria-label="Queries of this app" className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {draft.queries.length === 0 ? <li className="px-3 py-2 text-sm text-slate-500">No queries yet.</li> : null}
            {draft.queries.map((q, i) => {
              const name = String(q.name ?? `#${i + 1}`);
              return (
                <li key={i} className={`flex items-center gap-2 px-3 py-1.5 text-sm ${selectedQuery === i ? 'bg-brand-50' : ''}`}>
                  <button
                    type="button"
                    className="flex-1 text-left font-medium hover:underline"
                    aria-pressed={selectedQuery === i}
                    onClick={() => dispatch({ type: 'selectQuery', index: i })}
                  >
                    {name}
                  </button>
                  <Badge>{q.type === 'rest' ? 'REST' : q.type === 'library' ? 'Library' : 'SQL'}</Badge>
                  <span className="text-xs text-slate-500">
                    {q.type === 'library'
                      ? `${libraryQueries.find((l) => l.id === q.libraryQueryId)?.name ?? 'library query'} v${String(q.version)}`
                      : (resources.find((r) => r.id === q.resourceId)?.name ?? 'no resource')}
                  </span>
                  <Button
                    variant="danger"
                    className="px-2 py-0.5 text-xs"
                    aria-label={`Remove query ${name}`}
                    onClick={() => dispatch({ type: 'removeQuery', index: i })}
                  >
                    Remove
                  </Button>
                </li>
              );
            })}
          </ul>
          <div className="mt-3 flex items-center gap-2">
            <Select aria-label="Query type" value={queryType} onChange={(e) => setQueryType(e.target.value as QueryType)}>
              <option value="sql">SQL</option>
              <option value="rest">REST</option>
              {libraryQueries.length > 0 ? <option value="library">From the query library</option> : null}
            </Select>
            <Button
              variant="secondary"
              disabled={!hydrated || (queryType === 'library' ? libraryQueries.length === 0 : resources.length === 0)}
              onClick={addQuery}
            >
              Add query
            </Button>
            {resources.length === 0 ? <span className="text-xs text-slate-500">You may not use any resource yet.</span> : null}
          </div>
          {query ? (
            <div className="mt-4 space-y-3 border-t border-slate-100 pt-4">
              {query.type === 'library' ? (
                <LibraryQueryProperties
                  key={selectedQuery}
                  query={query}
                  at={`queries[${selectedQuery}]`}
                  libraryQueries={libraryQueries}
                  problemAt={problemAt}
                  set={(patch) => dispatch({ type: 'setQueryProps', patch })}
                />
              ) : (
                <QueryProperties
                  key={selectedQuery}
                  query={query}
                  at={`queries[${selectedQuery}]`}
                  resources={resources}
                  problemAt={problemAt}
                  set={(key, value) => dispatch({ type: 'setQueryProps', patch: { [key]: value } })}
                />
              )}
              <div className="flex flex-wrap items-end gap-2">
                <Field label="Environment" hint="Only environments where you may edit this app.">
                  <Select value={environmentId} onChange={(e) => dispatch({ type: 'selectEnvironment', environmentId: e.target.value })}>
                    {environments.map((e) => (
                      <option key={e.id} value={e.id}>
                        {e.name}
                        {e.isDefault ? ' (default)' : ''}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Button onClick={() => run.mutate(String(query.name))} disabled={run.isPending || !environmentId || json === undefined}>
                  {run.isPending ? 'Running…' : 'Run'}
                </Button>
              </div>
              <p className="text-xs text-slate-500">Run saves the draft first: the server only runs what it has stored.</p>
              {run.isError ? (
                <p role="alert" className="text-sm text-red-700">
                  {run.error.message}
                </p>
              ) : null}
              {runResult ? <RunResultView {...runResult} /> : null}
            </div>
          ) : null}
        </>
      )}
    </Panel>
  );
}

/** The panel's last run: a summary line, then the first 20 rows, the error, or the data as text. */
function RunResultView({ query, environment, outcome }: RunResult) {
  const rows = Array.isArray(outcome.data) ? (outcome.data as Record<string, unknown>[]).slice(0, 20) : null;
  const columns = rows?.[0] && typeof rows[0] === 'object' ? Object.keys(rows[0]) : [];
  return (
    <div aria-label="Query result" role="region" className="space-y-2">
      <p className="text-xs text-slate-500" data-testid="run-summary">
        {query} in {environment}
        {outcome.responseTimeMs !== undefined ? ` · ${outcome.responseTimeMs} ms` : ''}
        {outcome.error ? '' : rows ? ` · ${outcome.rowCount ?? rows.length} rows${outcome.truncated ? ' (truncated)' : ''}` : ''}
      </p>
      {outcome.error ? (
        <p role="alert" className="text-sm text-red-700">
          {outcome.error}
        </p>
      ) : rows ? (
        <RowsTable testId="run-result" columns={columns} rows={rows} />
      ) : (
        <pre className="overflow-x-auto rounded bg-slate-50 p-2 font-mono text-xs">{toText(outcome.data)}</pre>
      )}
    </div>
  );
}
