'use client';
// The app editor: the definition as JSON (the source of truth) with its problems listed by path,
// a component list and a query panel that edit that JSON, a live preview through the viewer's
// renderer, save draft and release. The server checks everything again: Edit on the app to save
// or release, Use on each resource a query names, Edit in the environment a query runs in.
// The state and its actions are in ./editor/state.ts; the server calls in ./editor/use-app-editor.ts.
import { AppViewer } from '@/components/apps/app-viewer';
import { Badge } from '@/components/ui/fields';
import { useHydrated } from '@/components/ui/use-hydrated';
import type { CurrentUser } from '@/lib/apps/reads';
import { ComponentsPanel } from './editor/components-panel';
import { DefinitionPanel } from './editor/definition-panel';
import { DraftToolbar } from './editor/draft-toolbar';
import { Panel } from './editor/panel';
import { QueriesPanel } from './editor/queries-panel';
import { ReleasesPanel } from './editor/releases-panel';
import type { EditorEnvironment, EditorLibraryQuery, EditorRelease, EditorResource } from './editor/state';
import { useAppEditor } from './editor/use-app-editor';

export function AppEditor({
  appId,
  initialDefinition,
  resources,
  libraryQueries,
  environments,
  releases,
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
  const editor = useAppEditor({ appId, initialDefinition, hasDraft, releases, environments, currentUser });
  const { state, dispatch, preview, dirty, environment } = editor;

  return (
    <div className="space-y-4" data-hydrated={hydrated}>
      <DraftToolbar editor={editor} />

      <div className="grid gap-4 xl:grid-cols-2">
        <div className="space-y-4">
          <ComponentsPanel editor={editor} />
          <QueriesPanel editor={editor} resources={resources} libraryQueries={libraryQueries} environments={environments} />
          <DefinitionPanel text={state.text} problems={editor.allProblems} onChange={(text) => dispatch({ type: 'setText', text })} />
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
            {preview ? (
              <div className="rounded-md border border-dashed border-slate-300 p-4" data-testid="preview">
                <AppViewer
                  key={`${state.revision}:${state.environmentId}`}
                  target={{ appId, pageVersion: 'latest', environmentId: state.environmentId, revision: String(state.revision) }}
                  view={preview}
                  currentUser={currentUser}
                />
              </div>
            ) : (
              <p className="text-sm text-slate-600">Fix the definition&apos;s problems to see the preview.</p>
            )}
          </Panel>
          <ReleasesPanel releases={state.releases} />
        </div>
      </div>
    </div>
  );
}
