'use client';
import { Button } from '@/components/ui/button';
import { useHydrated } from '@/components/ui/use-hydrated';
import type { AppEditorModel } from './use-app-editor';

/** Where the draft stands, Save draft and Release (a release copies the saved draft, so not while dirty). */
export function DraftToolbar({ editor }: { editor: AppEditorModel }) {
  const hydrated = useHydrated();
  const { state, save, saveDraft, release, dirty, json, initialText } = editor;
  const { text, savedText } = state;
  return (
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
  );
}
