// The app editor's state and every change to it, as one reducer. The definition's text is the one
// source of truth (decision 0021): list and property edits parse it, change the object and write
// it back, so a reducer action never holds a second copy of the draft.
import type { QueryOutcome } from '@/components/apps/run-app-query';
import {
  asDraft,
  moveItem,
  newComponent,
  newLibraryQuery,
  newQuery,
  uniqueName,
  usedNames,
  type ComponentType,
  type DraftJson,
  type Problem,
} from '@/lib/apps/editing';

export type EditorResource = { id: string; name: string };
/** A query of the query library the editor may pin (empty without query-library access). */
export type EditorLibraryQuery = { id: string; name: string; latestVersion: number };
export type EditorEnvironment = { id: string; name: string; color: string; isDefault: boolean };
export type EditorRelease = { version: number; releasedAt: string; releasedBy: string | null };
export type RunResult = { query: string; environment: string; outcome: QueryOutcome };
export type QueryType = 'sql' | 'rest' | 'library';

export type EditorState = {
  text: string;
  /** The text the server holds as the draft; null before the first save. */
  savedText: string | null;
  /** Counts saves: the preview's queries are cached per saved draft. */
  revision: number;
  /** The server's problems with one text: shown while that is still the text being edited. */
  serverCheck: { text: string; problems: Problem[] } | null;
  releases: EditorRelease[];
  pageIndex: number;
  selectedComponent: number | null;
  selectedQuery: number | null;
  environmentId: string;
  runResult: RunResult | null;
};

export type EditorAction =
  | { type: 'setText'; text: string }
  | { type: 'selectPage'; index: number }
  | { type: 'addPage' }
  | { type: 'selectComponent'; index: number }
  | { type: 'addComponent'; componentType: ComponentType }
  | { type: 'moveComponent'; from: number; to: number }
  | { type: 'removeComponent'; index: number }
  /** Sets one property of the selected component (undefined removes it). */
  | { type: 'setComponentProp'; key: string; value: unknown }
  | { type: 'selectQuery'; index: number }
  | { type: 'addQuery'; queryType: 'sql' | 'rest'; resourceId: string }
  | { type: 'addQuery'; queryType: 'library'; library: EditorLibraryQuery }
  | { type: 'removeQuery'; index: number }
  /** Sets several properties of the selected query in one change (undefined removes one). */
  | { type: 'setQueryProps'; patch: Record<string, unknown> }
  | { type: 'selectEnvironment'; environmentId: string }
  | { type: 'saveStarted' }
  | { type: 'saved'; text: string }
  | { type: 'saveFailed'; text: string; fieldErrors: Record<string, string[]> }
  | { type: 'released'; release: EditorRelease }
  | { type: 'ran'; result: RunResult };

export function initialEditorState(args: {
  text: string;
  hasDraft: boolean;
  releases: EditorRelease[];
  environments: EditorEnvironment[];
}): EditorState {
  return {
    text: args.text,
    savedText: args.hasDraft ? args.text : null,
    revision: 0,
    serverCheck: null,
    releases: args.releases,
    pageIndex: 0,
    selectedComponent: null,
    selectedQuery: null,
    environmentId: args.environments.find((e) => e.isDefault)?.id ?? args.environments[0]?.id ?? '',
    runResult: null,
  };
}

/** The draft the text holds, or null when it is not JSON of the shape the lists can edit. */
export function parseDraft(text: string): DraftJson | null {
  try {
    return asDraft(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The page on screen: the chosen one, or the last when the JSON has since lost pages. */
export function shownPageIndex(state: EditorState, draft: DraftJson): number {
  return Math.min(state.pageIndex, draft.pages.length - 1);
}

/**
 * Changes the draft through the JSON (a no-op while the text is not an editable draft); `change`
 * may return the selection that goes with the change.
 */
function edit(state: EditorState, change: (d: DraftJson, pageIndex: number) => Partial<EditorState> | void): EditorState {
  const draft = parseDraft(state.text);
  if (!draft) return state;
  const selection = change(draft, shownPageIndex(state, draft));
  return { ...state, ...selection, text: JSON.stringify(draft, null, 2) };
}

function setProps(target: Record<string, unknown>, patch: Record<string, unknown>) {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'setText':
      return { ...state, text: action.text };
    case 'selectPage':
      return { ...state, pageIndex: action.index, selectedComponent: null };
    case 'addPage':
      return edit(state, (d) => {
        const added = d.pages.push({ name: uniqueName('page', new Set(d.pages.map((p) => p.name))), components: [] });
        return { pageIndex: added - 1, selectedComponent: null };
      });
    case 'selectComponent':
      return { ...state, selectedComponent: action.index };
    case 'addComponent':
      return edit(state, (d, at) => {
        const firstQuery = d.queries[0] ? String(d.queries[0].name ?? '') : '';
        const added = newComponent(action.componentType, uniqueName(action.componentType, usedNames(d)), firstQuery);
        return { selectedComponent: d.pages[at]!.components.push(added as unknown as Record<string, unknown>) - 1 };
      });
    case 'moveComponent':
      return edit(state, (d, at) => {
        d.pages[at]!.components = moveItem(d.pages[at]!.components, action.from, action.to);
        return { selectedComponent: action.to };
      });
    case 'removeComponent':
      return edit(state, (d, at) => {
        d.pages[at]!.components.splice(action.index, 1);
        return { selectedComponent: null };
      });
    case 'setComponentProp':
      if (state.selectedComponent === null) return state;
      return edit(state, (d, at) => setProps(d.pages[at]!.components[state.selectedComponent!]!, { [action.key]: action.value }));
    case 'selectQuery':
      return { ...state, selectedQuery: action.index };
    case 'addQuery':
      return edit(state, (d) => {
        const name = uniqueName('query', usedNames(d));
        const added =
          action.queryType === 'library' ? newLibraryQuery(name, action.library) : newQuery(action.queryType, name, action.resourceId);
        return { selectedQuery: d.queries.push(added as unknown as Record<string, unknown>) - 1 };
      });
    case 'removeQuery':
      return edit(state, (d) => {
        d.queries.splice(action.index, 1);
        return { selectedQuery: null };
      });
    case 'setQueryProps':
      if (state.selectedQuery === null) return state;
      return edit(state, (d) => setProps(d.queries[state.selectedQuery!]!, action.patch));
    case 'selectEnvironment':
      return { ...state, environmentId: action.environmentId };
    case 'saveStarted':
      return { ...state, serverCheck: null };
    case 'saved':
      return { ...state, savedText: action.text, revision: state.revision + 1 };
    case 'saveFailed':
      return {
        ...state,
        serverCheck: {
          text: action.text,
          problems: Object.entries(action.fieldErrors).flatMap(([path, messages]) => messages.map((message) => ({ path, message }))),
        },
      };
    case 'released':
      return { ...state, releases: [action.release, ...state.releases] };
    case 'ran':
      return { ...state, runResult: action.result };
  }
}
