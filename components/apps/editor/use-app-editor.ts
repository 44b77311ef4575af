'use client';
// The editor's state (the reducer in ./state), what follows from its text (the problems, the draft
// the lists edit, the definition the preview renders), and its three calls to the server: save the
// draft, release it, run one query of it.
import { useMutation } from '@tanstack/react-query';
import { useMemo, useReducer } from 'react';
import { runAppQuery } from '@/components/apps/run-app-query';
import { appDefinitionSchema } from '@/lib/apps/definition';
import { asDraft, checkDefinitionText } from '@/lib/apps/editing';
import type { CurrentUser } from '@/lib/apps/reads';
import { appViewFor } from '@/lib/apps/view';
import { editorReducer, initialEditorState, shownPageIndex, type EditorEnvironment, type EditorRelease } from './state';

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

export function useAppEditor({
  appId,
  initialDefinition,
  hasDraft,
  releases,
  environments,
  currentUser,
}: {
  appId: string;
  initialDefinition: unknown;
  hasDraft: boolean;
  releases: EditorRelease[];
  environments: EditorEnvironment[];
  currentUser: CurrentUser;
}) {
  const initialText = useMemo(() => JSON.stringify(initialDefinition, null, 2), [initialDefinition]);
  const [state, dispatch] = useReducer(editorReducer, { text: initialText, hasDraft, releases, environments }, initialEditorState);
  const { text, savedText, serverCheck } = state;

  const { json, problems } = useMemo(() => checkDefinitionText(text), [text]);
  const draft = useMemo(() => asDraft(json), [json]);
  const valid = useMemo(() => (problems.length === 0 ? appDefinitionSchema.parse(json) : null), [problems, json]);
  // The preview shows the draft as the editor's own users would get it (hidden components left out).
  const preview = useMemo(() => (valid ? appViewFor(valid, currentUser) : null), [valid, currentUser]);
  const dirty = text !== savedText;
  const pageIndex = draft ? shownPageIndex(state, draft) : state.pageIndex;
  const page = draft?.pages[pageIndex];
  const component = page && state.selectedComponent !== null ? page.components[state.selectedComponent] : undefined;
  const query = draft && state.selectedQuery !== null ? draft.queries[state.selectedQuery] : undefined;
  const serverProblems = serverCheck?.text === text ? serverCheck.problems : [];
  const problemAt = (path: string) =>
    problems.find((p) => p.path === path)?.message ?? serverProblems.find((p) => p.path === path)?.message;
  const allProblems = [...problems, ...serverProblems.filter((s) => !problems.some((p) => p.path === s.path && p.message === s.message))];
  const environment = environments.find((e) => e.id === state.environmentId);
  const queryNames = draft?.queries.map((q) => String(q.name ?? '')) ?? [];

  const save = useMutation({
    mutationFn: (body: string) => sendJson(`/api/apps/${appId}/draft`, 'PUT', JSON.parse(body)),
    onMutate: () => dispatch({ type: 'saveStarted' }),
    onSuccess: (_data, body) => dispatch({ type: 'saved', text: body }),
    onError: (e: Error & { fieldErrors?: Record<string, string[]> }, body) =>
      dispatch({ type: 'saveFailed', text: body, fieldErrors: e.fieldErrors ?? {} }),
  });
  const release = useMutation({
    mutationFn: () => sendJson(`/api/apps/${appId}/releases`, 'POST') as Promise<{ version: number }>,
    onSuccess: (r) =>
      dispatch({ type: 'released', release: { version: r.version, releasedAt: new Date().toISOString(), releasedBy: currentUser.email } }),
  });
  const run = useMutation({
    mutationFn: async (name: string) => {
      // The server runs the saved draft, never what the browser sends: save first.
      if (dirty) await save.mutateAsync(text);
      return runAppQuery({ appId, pageVersion: 'latest', environmentId: state.environmentId, revision: String(state.revision) }, name, {
        pageName: page?.name,
        values: {},
        current_user: currentUser,
      });
    },
    onSuccess: (outcome, name) => dispatch({ type: 'ran', result: { query: name, environment: environment?.name ?? '', outcome } }),
  });
  const saveDraft = () => {
    if (json !== undefined) save.mutate(text);
  };

  return {
    state,
    dispatch,
    initialText,
    json,
    draft,
    valid,
    preview,
    dirty,
    pageIndex,
    page,
    component,
    query,
    queryNames,
    problemAt,
    allProblems,
    environment,
    save,
    saveDraft,
    release,
    run,
  };
}

export type AppEditorModel = ReturnType<typeof useAppEditor>;
