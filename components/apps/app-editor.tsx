'use client';
// The app editor: the definition as JSON (the source of truth) with its problems listed by path,
// a component list and a query panel that edit that JSON, a live preview through the viewer's
// renderer, save draft and release. The server checks everything again: Edit on the app to save
// or release, Use on each resource a query names, Edit in the environment a query runs in.
import { useMutation } from '@tanstack/react-query';
import { cloneElement, useId, useMemo, useState, useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import { AppViewer } from '@/components/apps/app-viewer';
import { RowsTable } from '@/components/apps/rows-table';
import { runAppQuery, type QueryOutcome } from '@/components/apps/run-app-query';
import { Button } from '@/components/ui/button';
import { Badge, Input, Select } from '@/components/ui/fields';
import { appDefinitionSchema } from '@/lib/apps/definition';
import {
  asDraft,
  checkDefinitionText,
  COMPONENT_LABELS,
  COMPONENT_TYPES,
  fieldsToText,
  moveItem,
  newComponent,
  newLibraryQuery,
  newQuery,
  optionsToText,
  textToFields,
  textToOptions,
  uniqueName,
  usedNames,
  type ComponentType,
  type DraftJson,
  type Problem,
} from '@/lib/apps/editing';
import { toText } from '@/lib/apps/expressions';
import type { CurrentUser } from '@/lib/apps/reads';

export type EditorResource = { id: string; name: string };
/** A query of the query library the editor may pin (empty without query-library access). */
export type EditorLibraryQuery = { id: string; name: string; latestVersion: number };
export type EditorEnvironment = { id: string; name: string; color: string; isDefault: boolean };
export type EditorRelease = { version: number; releasedAt: string; releasedBy: string | null };

type ApiError = { message: string; fieldErrors?: Record<string, string[]> };

async function sendJson(url: string, method: 'PUT' | 'POST', body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: ApiError };
  if (!res.ok)
    throw Object.assign(new Error(json.error?.message ?? `The server answered HTTP ${res.status}.`), {
      fieldErrors: json.error?.fieldErrors,
    });
  return json;
}

const noSubscription = () => () => {};
/** False while the server's HTML is on screen without its handlers: buttons wait for hydration so a click is never lost. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

const textarea =
  'w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 font-mono text-xs shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-100';

function Panel({ title, actions, children, labelledBy }: { title: string; actions?: ReactNode; children: ReactNode; labelledBy: string }) {
  return (
    <section aria-labelledby={labelledBy} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={labelledBy} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A labelled control with its hint and its problem, tied to it by id (the control is the one child). */
function Field({
  label,
  children,
  error,
  hint,
}: {
  label: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }>;
  error?: string;
  hint?: string;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="text-sm">
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700">
        {label}
      </label>
      {cloneElement(children, { id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700" data-testid="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function AppEditor({
  appId,
  initialDefinition,
  resources,
  libraryQueries,
  environments,
  releases: initialReleases,
  currentUser,
  hasDraft,
}: {
  appId: string;
  initialDefinition: unknown;
  resources: EditorResource[];
  libraryQueries: EditorLibraryQuery[];
  environments: EditorEnvironment[];
  releases: EditorRelease[];
  currentUser: CurrentUser;
  hasDraft: boolean;
}) {
  const hydrated = useHydrated();
  const initialText = JSON.stringify(initialDefinition, null, 2);
  const [text, setText] = useState(initialText);
  const [savedText, setSavedText] = useState(hasDraft ? initialText : null);
  const [revision, setRevision] = useState(0);
  // The server's problems with one text: shown while that is still the text being edited.
  const [serverCheck, setServerCheck] = useState<{ text: string; problems: Problem[] } | null>(null);
  const [releases, setReleases] = useState(initialReleases);
  const [pageIndex, setPageIndex] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const [selectedQuery, setSelectedQuery] = useState<number | null>(null);
  const [environmentId, setEnvironmentId] = useState(environments.find((e) => e.isDefault)?.id ?? environments[0]?.id ?? '');
  const [addType, setAddType] = useState<ComponentType>('text');
  const [queryType, setQueryType] = useState<'sql' | 'rest' | 'library'>('sql');
  const [runResult, setRunResult] = useState<{ query: string; environment: string; outcome: QueryOutcome } | null>(null);

  const { json, problems } = useMemo(() => checkDefinitionText(text), [text]);
  const draft = useMemo(() => asDraft(json), [json]);
  const valid = problems.length === 0 ? appDefinitionSchema.parse(json) : null;
  const dirty = text !== savedText;
  const page = draft?.pages[Math.min(pageIndex, draft.pages.length - 1)];
  const component = page && selected !== null ? page.components[selected] : undefined;
  const query = draft && selectedQuery !== null ? draft.queries[selectedQuery] : undefined;
  const serverProblems = serverCheck?.text === text ? serverCheck.problems : [];
  const problemAt = (path: string) =>
    problems.find((p) => p.path === path)?.message ?? serverProblems.find((p) => p.path === path)?.message;
  const environment = environments.find((e) => e.id === environmentId);

  /** Changes the draft through the JSON: the text stays the one source of truth. */
  const update = (change: (d: DraftJson) => void) => {
    if (!draft) return;
    const copy = structuredClone(draft);
    change(copy);
    setText(JSON.stringify(copy, null, 2));
  };
  const setComponentProp = (key: string, value: unknown) =>
    update((d) => {
      const c = d.pages[pageIndex]!.components[selected!]!;
      if (value === undefined) delete c[key];
      else c[key] = value;
    });
  /** Sets several properties of the selected query in one change (undefined removes one). */
  const setQueryProps = (patch: Record<string, unknown>) =>
    update((d) => {
      const q = d.queries[selectedQuery!]!;
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) delete q[key];
        else q[key] = value;
      }
    });
  const setQueryProp = (key: string, value: unknown) => setQueryProps({ [key]: value });
  const optional = (v: string) => (v === '' ? undefined : v);

  const save = useMutation({
    mutationFn: (body: string) => sendJson(`/api/apps/${appId}/draft`, 'PUT', JSON.parse(body)),
    onMutate: () => setServerCheck(null),
    onSuccess: (_data, body) => {
      setSavedText(body);
      setRevision((r) => r + 1);
    },
    onError: (e: Error & { fieldErrors?: Record<string, string[]> }, body) =>
      setServerCheck({
        text: body,
        problems: Object.entries(e.fieldErrors ?? {}).flatMap(([path, messages]) => messages.map((message) => ({ path, message }))),
      }),
  });
  const release = useMutation({
    mutationFn: () => sendJson(`/api/apps/${appId}/releases`, 'POST') as Promise<{ version: number }>,
    onSuccess: (r) =>
      setReleases((list) => [{ version: r.version, releasedAt: new Date().toISOString(), releasedBy: currentUser.email }, ...list]),
  });
  const run = useMutation({
    mutationFn: async (name: string) => {
      // The server runs the saved draft, never what the browser sends: save first.
      if (dirty) await save.mutateAsync(text);
      return runAppQuery({ appId, pageVersion: 'latest', environmentId, revision: String(revision) }, name, {
        pageName: page?.name,
        values: {},
        current_user: currentUser,
      });
    },
    onSuccess: (outcome, name) => setRunResult({ query: name, environment: environment?.name ?? '', outcome }),
  });

  const saveDraft = () => {
    if (json !== undefined) save.mutate(text);
  };

  const queryNames = draft?.queries.map((q) => String(q.name ?? '')) ?? [];
  const allProblems = [...problems, ...serverProblems.filter((s) => !problems.some((p) => p.path === s.path && p.message === s.message))];

  return (
    <div className="space-y-4" data-hydrated={hydrated}>
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
        <span role="status" className="text-sm text-slate-600" data-testid="draft-status">
          {save.isPending
            ? 'Saving…'
            : save.isError && save.variables === text
              ? `Not saved: ${save.error.message}`
              : dirty
                ? savedText === null && text === initialText
                  ? 'No draft saved yet'
                  : 'Unsaved changes'
                : 'Draft saved'}
        </span>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <Button variant="secondary" onClick={saveDraft} disabled={!hydrated || save.isPending || json === undefined}>
            Save draft
          </Button>
          <Button
            onClick={() => release.mutate()}
            disabled={!hydrated || release.isPending || dirty || savedText === null}
            title={dirty ? 'Save the draft first: a release copies the saved draft.' : undefined}
          >
            Release
          </Button>
        </div>
        {release.isSuccess ? (
          <p role="status" className="w-full text-sm text-green-800">
            Released version {release.data.version}. Users of the app now get it.
          </p>
        ) : null}
        {release.isError ? (
          <p role="alert" className="w-full text-sm text-red-700">
            {release.error.message}
          </p>
        ) : null}
        {dirty && savedText !== null ? (
          <p className="w-full text-xs text-slate-500">Release copies the saved draft; save your changes first.</p>
        ) : null}
      </div>

      <div className="grid gap-4 xl:grid-cols-2">
        <div className="space-y-4">
          <Panel
            title="Components"
            labelledBy="components-heading"
            actions={
              draft ? (
                <div className="flex items-center gap-2">
                  <Select
                    aria-label="Page"
                    value={String(pageIndex)}
                    onChange={(e) => (setPageIndex(Number(e.target.value)), setSelected(null))}
                  >
                    {draft.pages.map((p, i) => (
                      <option key={i} value={i}>
                        {String(p.name)}
                      </option>
                    ))}
                  </Select>
                  <Button
                    variant="secondary"
                    className="px-2 py-1 text-xs"
                    disabled={!hydrated}
                    onClick={() => {
                      update((d) => d.pages.push({ name: uniqueName('page', new Set(d.pages.map((p) => p.name))), components: [] }));
                      setPageIndex(draft.pages.length);
                      setSelected(null);
                    }}
                  >
                    Add page
                  </Button>
                </div>
              ) : null
            }
          >
            {!draft || !page ? (
              <p className="text-sm text-slate-600">Fix the JSON below (it needs pages with components) to use the component list.</p>
            ) : (
              <>
                <ol aria-label="Components of this page" className="divide-y divide-slate-100 rounded-md border border-slate-200">
                  {page.components.length === 0 ? <li className="px-3 py-2 text-sm text-slate-500">No components yet.</li> : null}
                  {page.components.map((c, i) => {
                    const name = String(c.name ?? `#${i + 1}`);
                    return (
                      <li key={i} className={`flex items-center gap-2 px-3 py-1.5 text-sm ${selected === i ? 'bg-brand-50' : ''}`}>
                        <button
                          type="button"
                          className="flex-1 text-left font-medium hover:underline"
                          aria-pressed={selected === i}
                          onClick={() => setSelected(i)}
                        >
                          {name}
                        </button>
                        <Badge>{COMPONENT_LABELS[c.type as ComponentType] ?? String(c.type)}</Badge>
                        <Button
                          variant="secondary"
                          className="px-2 py-0.5 text-xs"
                          aria-label={`Move ${name} up`}
                          disabled={i === 0}
                          onClick={() => (
                            update((d) => (d.pages[pageIndex]!.components = moveItem(d.pages[pageIndex]!.components, i, i - 1))),
                            setSelected(i - 1)
                          )}
                        >
                          ↑
                        </Button>
                        <Button
                          variant="secondary"
                          className="px-2 py-0.5 text-xs"
                          aria-label={`Move ${name} down`}
                          disabled={i === page.components.length - 1}
                          onClick={() => (
                            update((d) => (d.pages[pageIndex]!.components = moveItem(d.pages[pageIndex]!.components, i, i + 1))),
                            setSelected(i + 1)
                          )}
                        >
                          ↓
                        </Button>
                        <Button
                          variant="danger"
                          className="px-2 py-0.5 text-xs"
                          aria-label={`Remove ${name}`}
                          onClick={() => (update((d) => d.pages[pageIndex]!.components.splice(i, 1)), setSelected(null))}
                        >
                          Remove
                        </Button>
                      </li>
                    );
                  })}
                </ol>
                <div className="mt-3 flex items-center gap-2">
                  <Select aria-label="Component type" value={addType} onChange={(e) => setAddType(e.target.value as ComponentType)}>
                    {COMPONENT_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {COMPONENT_LABELS[t]}
                      </option>
                    ))}
                  </Select>
                  <Button
                    variant="secondary"
                    disabled={!hydrated}
                    onClick={() => {
                      update((d) =>
                        d.pages[pageIndex]!.components.push(
                          newComponent(addType, uniqueName(addType, usedNames(d)), queryNames[0] ?? '') as unknown as Record<
                            string,
                            unknown
                          >,
                        ),
                      );
                      setSelected(page.components.length);
                    }}
                  >
                    Add component
                  </Button>
                </div>
                {component ? (
                  <ComponentProperties
                    key={`${pageIndex}:${selected}`}
                    component={component}
                    at={`pages[${pageIndex}].components[${selected}]`}
                    queryNames={queryNames}
                    problemAt={problemAt}
                    set={setComponentProp}
                    optional={optional}
                  />
                ) : null}
              </>
            )}
          </Panel>

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
                          onClick={() => setSelectedQuery(i)}
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
                          onClick={() => (update((d) => d.queries.splice(i, 1)), setSelectedQuery(null))}
                        >
                          Remove
                        </Button>
                      </li>
                    );
                  })}
                </ul>
                <div className="mt-3 flex items-center gap-2">
                  <Select
                    aria-label="Query type"
                    value={queryType}
                    onChange={(e) => setQueryType(e.target.value as 'sql' | 'rest' | 'library')}
                  >
                    <option value="sql">SQL</option>
                    <option value="rest">REST</option>
                    {libraryQueries.length > 0 ? <option value="library">From the query library</option> : null}
                  </Select>
                  <Button
                    variant="secondary"
                    disabled={!hydrated || (queryType === 'library' ? libraryQueries.length === 0 : resources.length === 0)}
                    onClick={() => {
                      update((d) => {
                        const name = uniqueName('query', usedNames(d));
                        const added =
                          queryType === 'library'
                            ? newLibraryQuery(name, libraryQueries[0]!)
                            : newQuery(queryType, name, resources[0]?.id ?? '');
                        d.queries.push(added as unknown as Record<string, unknown>);
                      });
                      setSelectedQuery(draft.queries.length);
                    }}
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
                        set={setQueryProps}
                      />
                    ) : (
                      <QueryProperties
                        key={selectedQuery}
                        query={query}
                        at={`queries[${selectedQuery}]`}
                        resources={resources}
                        problemAt={problemAt}
                        set={setQueryProp}
                      />
                    )}
                    <div className="flex flex-wrap items-end gap-2">
                      <Field label="Environment" hint="Only environments where you may edit this app.">
                        <Select value={environmentId} onChange={(e) => setEnvironmentId(e.target.value)}>
                          {environments.map((e) => (
                            <option key={e.id} value={e.id}>
                              {e.name}
                              {e.isDefault ? ' (default)' : ''}
                            </option>
                          ))}
                        </Select>
                      </Field>
                      <Button
                        onClick={() => run.mutate(String(query.name))}
                        disabled={run.isPending || !environmentId || json === undefined}
                      >
                        {run.isPending ? 'Running…' : 'Run'}
                      </Button>
                    </div>
                    <p className="text-xs text-slate-500">Run saves the draft first: the server only runs what it has stored.</p>
                    {run.isError ? (
                      <p role="alert" className="text-sm text-red-700">
                        {run.error.message}
                      </p>
                    ) : null}
                    {runResult ? <RunResult {...runResult} /> : null}
                  </div>
                ) : null}
              </>
            )}
          </Panel>

          <Panel title="Definition (JSON)" labelledBy="definition-heading">
            <div className="grid gap-3 2xl:grid-cols-[1fr_16rem]">
              <textarea
                aria-label="App definition (JSON)"
                aria-invalid={allProblems.length > 0}
                aria-describedby="definition-problems"
                className={textarea}
                rows={24}
                spellCheck={false}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
              <div id="definition-problems">
                {allProblems.length === 0 ? (
                  <p className="text-sm text-green-800" data-testid="definition-valid">
                    The definition is valid.
                  </p>
                ) : (
                  <div role="alert" aria-label="Definition problems">
                    <p className="text-sm font-medium text-red-800">
                      {allProblems.length === 1 ? '1 problem' : `${allProblems.length} problems`}
                    </p>
                    <ul className="mt-1 space-y-1 text-xs text-red-700" data-testid="definition-problems">
                      {allProblems.map((p, i) => (
                        <li key={i}>
                          <code className="font-semibold">{p.path}</code>: {p.message}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </div>
            </div>
          </Panel>
        </div>

        <div className="space-y-4">
          <Panel
            title="Preview"
            labelledBy="preview-heading"
            actions={environment && !environment.isDefault ? <Badge tone="amber">{environment.name}</Badge> : null}
          >
            <p className="mb-3 text-xs text-slate-500">
              The draft as its users would see it. Queries run the saved draft{dirty ? ' (you have unsaved changes)' : ''}.
            </p>
            {valid ? (
              <div className="rounded-md border border-dashed border-slate-300 p-4" data-testid="preview">
                <AppViewer
                  key={`${revision}:${environmentId}`}
                  target={{ appId, pageVersion: 'latest', environmentId, revision: String(revision) }}
                  definition={valid}
                  currentUser={currentUser}
                />
              </div>
            ) : (
              <p className="text-sm text-slate-600">Fix the definition&apos;s problems to see the preview.</p>
            )}
          </Panel>
          <Panel title="Releases" labelledBy="releases-heading">
            {releases.length === 0 ? (
              <p className="text-sm text-slate-600">Not released yet: users of the app see nothing until the first release.</p>
            ) : (
              <ul className="space-y-1 text-sm" data-testid="releases">
                {releases.map((r) => (
                  <li key={r.version}>
                    <span className="font-medium">Version {r.version}</span>{' '}
                    <span className="text-slate-500">
                      {new Date(r.releasedAt).toLocaleString()}
                      {r.releasedBy ? ` by ${r.releasedBy}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      </div>
    </div>
  );
}

function ComponentProperties({
  component: c,
  at,
  queryNames,
  problemAt,
  set,
  optional,
}: {
  component: Record<string, unknown>;
  at: string;
  queryNames: string[];
  problemAt: (path: string) => string | undefined;
  set: (key: string, value: unknown) => void;
  optional: (v: string) => string | undefined;
}) {
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
  const err = (k: string) => problemAt(`${at}.${k}`);
  const querySelect = (key: string, label: string) => (
    <Field label={label} error={err(key)}>
      <Select value={str(key)} onChange={(e) => set(key, e.target.value)}>
        {!queryNames.includes(str(key)) ? <option value={str(key)}>{str(key) || 'Choose a query…'}</option> : null}
        {queryNames.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </Select>
    </Field>
  );
  // Lists are edited as text and kept as typed until they parse: a half-typed line is not lost.
  const [optionsText, setOptionsText] = useState(optionsToText(c.options));
  const [fieldsText, setFieldsText] = useState(fieldsToText(c.fields));
  return (
    <fieldset className="mt-4 space-y-3 border-t border-slate-100 pt-4">
      <legend className="text-sm font-semibold text-slate-900">Properties of {str('name') || 'this component'}</legend>
      <Field label="Component name" error={err('name')}>
        <Input value={str('name')} onChange={(e) => set('name', e.target.value)} className="w-full" />
      </Field>
      {c.type === 'text' ? (
        <Field
          label="Text (Markdown)"
          error={err('value')}
          hint="Markdown with {{ }} expressions, e.g. **Hello {{ current_user.firstName }}**."
        >
          <textarea className={textarea} rows={4} value={str('value')} onChange={(e) => set('value', e.target.value)} />
        </Field>
      ) : null}
      {c.type === 'stat' ? (
        <>
          <Field label="Label" error={err('label')}>
            <Input value={str('label')} onChange={(e) => set('label', e.target.value)} className="w-full" />
          </Field>
          <Field label="Value" error={err('value')}>
            <Input value={str('value')} onChange={(e) => set('value', e.target.value)} className="w-full font-mono" />
          </Field>
        </>
      ) : null}
      {c.type === 'table' ? (
        <>
          {querySelect('query', 'Data from query')}
          <Field label="Rows per page" error={err('pageSize')}>
            <Input
              type="number"
              min={1}
              max={500}
              value={typeof c.pageSize === 'number' ? c.pageSize : ''}
              onChange={(e) => set('pageSize', e.target.value === '' ? undefined : Number(e.target.value))}
            />
          </Field>
        </>
      ) : null}
      {c.type === 'textInput' || c.type === 'numberInput' || c.type === 'select' || c.type === 'button' ? (
        <Field label="Label" error={err('label')}>
          <Input value={str('label')} onChange={(e) => set('label', e.target.value)} className="w-full" />
        </Field>
      ) : null}
      {c.type === 'textInput' || c.type === 'numberInput' ? (
        <Field label="Default value" error={err('defaultValue')}>
          <Input value={str('defaultValue')} onChange={(e) => set('defaultValue', optional(e.target.value))} className="w-full font-mono" />
        </Field>
      ) : null}
      {c.type === 'select' ? (
        <Field label="Options" error={err('options')} hint="One per line: label=value.">
          <textarea
            className={textarea}
            rows={4}
            value={optionsText}
            onChange={(e) => {
              setOptionsText(e.target.value);
              set('options', textToOptions(e.target.value));
            }}
          />
        </Field>
      ) : null}
      {c.type === 'button' ? querySelect('query', 'Runs query') : null}
      {c.type === 'form' ? (
        <>
          <Field label="Fields" error={err('fields')} hint="One per line: name, label, text or number.">
            <textarea
              className={textarea}
              rows={4}
              value={fieldsText}
              onChange={(e) => {
                setFieldsText(e.target.value);
                set('fields', textToFields(e.target.value));
              }}
            />
          </Field>
          {querySelect('submitQuery', 'On submit, run query')}
        </>
      ) : null}
      <Field
        label="Hidden when"
        error={err('hidden')}
        hint="An expression, e.g. {{ !current_user.groups.includes('Admin') }}. Empty: always shown."
      >
        <Input value={str('hidden')} onChange={(e) => set('hidden', optional(e.target.value))} className="w-full font-mono" />
      </Field>
      <Field label="Disabled when" error={err('disabled')} hint="An expression. Empty: always enabled.">
        <Input value={str('disabled')} onChange={(e) => set('disabled', optional(e.target.value))} className="w-full font-mono" />
      </Field>
    </fieldset>
  );
}

/** A library query reference: which query and which of its versions the app runs. */
function LibraryQueryProperties({
  query: q,
  at,
  libraryQueries,
  problemAt,
  set,
}: {
  query: Record<string, unknown>;
  at: string;
  libraryQueries: EditorLibraryQuery[];
  problemAt: (path: string) => string | undefined;
  set: (patch: Record<string, unknown>) => void;
}) {
  const chosen = libraryQueries.find((l) => l.id === q.libraryQueryId);
  const err = (k: string) => problemAt(`${at}.${k}`);
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold text-slate-900">Query {typeof q.name === 'string' ? q.name : ''}</legend>
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_8rem]">
        <Field label="Query name" error={err('name')}>
          <Input value={typeof q.name === 'string' ? q.name : ''} onChange={(e) => set({ name: e.target.value })} className="w-full" />
        </Field>
        <Field label="Library query" error={err('libraryQueryId')}>
          <Select
            value={typeof q.libraryQueryId === 'string' ? q.libraryQueryId : ''}
            onChange={(e) => {
              const next = libraryQueries.find((l) => l.id === e.target.value);
              set({ libraryQueryId: e.target.value, ...(next ? { version: next.latestVersion } : {}) });
            }}
            className="w-full"
          >
            {!chosen ? <option value={String(q.libraryQueryId ?? '')}>Choose a library query…</option> : null}
            {libraryQueries.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Version" error={err('version')}>
          <Input
            type="number"
            min={1}
            max={chosen?.latestVersion}
            value={typeof q.version === 'number' ? q.version : ''}
            onChange={(e) => set({ version: e.target.value === '' ? undefined : Number(e.target.value) })}
            className="w-full"
          />
        </Field>
      </div>
      <p className="text-xs text-slate-500">
        The app runs this version until you pick another: editing the library does not change a released app.
        {chosen ? ` The newest is version ${chosen.latestVersion}. ` : ' '}
        {chosen ? (
          <a href={`/query-library/${chosen.id}`} className="text-brand-700 hover:underline">
            Open {chosen.name} in the query library
          </a>
        ) : null}
      </p>
    </fieldset>
  );
}

function QueryProperties({
  query: q,
  at,
  resources,
  problemAt,
  set,
}: {
  query: Record<string, unknown>;
  at: string;
  resources: EditorResource[];
  problemAt: (path: string) => string | undefined;
  set: (key: string, value: unknown) => void;
}) {
  const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
  const err = (k: string) => problemAt(`${at}.${k}`);
  const [hiddenText, setHiddenText] = useState(Array.isArray(q.disableLoggingFor) ? q.disableLoggingFor.join(', ') : '');
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold text-slate-900">Query {str('name')}</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Query name" error={err('name')}>
          <Input value={str('name')} onChange={(e) => set('name', e.target.value)} className="w-full" />
        </Field>
        <Field label="Resource" error={err('resourceId')}>
          <Select value={str('resourceId')} onChange={(e) => set('resourceId', e.target.value)} className="w-full">
            {!resources.some((r) => r.id === q.resourceId) ? <option value={str('resourceId')}>Choose a resource…</option> : null}
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {q.type === 'rest' ? (
        <>
          <div className="grid gap-3 sm:grid-cols-[8rem_1fr]">
            <Field label="Method" error={err('method')}>
              <Select value={str('method')} onChange={(e) => set('method', e.target.value)}>
                {['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </Select>
            </Field>
            <Field label="Path" error={err('path')} hint="Relative to the resource's base URL; {{ }} values are URL-encoded.">
              <Input value={str('path')} onChange={(e) => set('path', e.target.value)} className="w-full font-mono" />
            </Field>
          </div>
          <Field label="Body (JSON)" error={err('body')} hint="{{ }} values are inserted as JSON.">
            <textarea
              className={textarea}
              rows={4}
              value={str('body')}
              onChange={(e) => set('body', e.target.value === '' ? undefined : e.target.value)}
            />
          </Field>
        </>
      ) : (
        <Field label="SQL" error={err('sql')} hint="{{ }} values become bind parameters, never SQL text.">
          <textarea className={textarea} rows={6} spellCheck={false} value={str('sql')} onChange={(e) => set('sql', e.target.value)} />
        </Field>
      )}
      <Field
        label="Disable logging for"
        error={problemAt(`${at}.disableLoggingFor`) ?? problemAt(`${at}.disableLoggingFor[0]`)}
        hint="Parameters whose values never reach audit rows or logs, comma-separated (e.g. password.value)."
      >
        <Input
          value={hiddenText}
          onChange={(e) => {
            setHiddenText(e.target.value);
            set(
              'disableLoggingFor',
              e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            );
          }}
          className="w-full font-mono"
        />
      </Field>
    </fieldset>
  );
}

function RunResult({ query, environment, outcome }: { query: string; environment: string; outcome: QueryOutcome }) {
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
