'use client';

import Link from 'next/link';
import { useRef, useState } from 'react';
import { FormError } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { useFormAction } from '@/components/form/use-form-action';
import { Field, Input, Select } from '@/components/ui/fields';
import { importAppAction } from './actions';

/** Server actions take bodies up to 1 MB; larger documents go through the CLI or the API. */
const MAX_FILE_BYTES = 1_000_000;
const FORM_FIELDS = new Set(['document', 'name', 'folderId', 'history']);

/**
 * Import an export document: as a new app (where the user may create one), or with `appId` as that
 * app's new draft. A document that does not read, or names resources this organization lacks, is
 * refused with every problem listed and nothing imported.
 */
export function ImportAppForm({
  appId,
  folders = [],
  canTop = false,
}: {
  appId?: string;
  folders?: { id: string; name: string }[];
  canTop?: boolean;
}) {
  const { state, onSubmit, pending, fieldErrors } = useFormAction(importAppAction);
  const text = useRef<HTMLTextAreaElement>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const problems = Object.entries(fieldErrors).filter(([field]) => !FORM_FIELDS.has(field));
  const message = state && !state.ok ? state.message : null;

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" data-testid={appId ? 'import-draft-form' : 'import-app-form'}>
      {appId ? <input type="hidden" name="appId" value={appId} /> : null}
      <Field
        label="Export file"
        id={appId ? 'import-draft-file' : 'import-app-file'}
        error={fileProblem ?? undefined}
        hint="A .json file downloaded with Export, up to 1 MB (larger ones: gatehouse app import)."
      >
        <input
          type="file"
          accept="application/json,.json"
          className="block text-sm"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            setFileProblem(null);
            if (!file || !text.current) return;
            if (file.size > MAX_FILE_BYTES) {
              setFileProblem('This file is over 1 MB: import it with the CLI (gatehouse app import) or the API.');
              return;
            }
            text.current.value = await file.text();
          }}
        />
      </Field>
      <Field
        label="Export document (JSON)"
        id={appId ? 'import-draft-document' : 'import-app-document'}
        error={fieldErrors.document?.[0]}
        hint="Or paste it here."
      >
        <textarea
          ref={text}
          name="document"
          rows={4}
          spellCheck={false}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs shadow-sm outline-none focus:ring-2 focus:ring-brand-100"
        />
      </Field>
      {appId ? null : (
        <div className="flex flex-wrap gap-4">
          <Field label="App name" id="import-app-name" error={fieldErrors.name?.[0]} hint="The document's app name if left empty.">
            <Input name="name" />
          </Field>
          <Field label="Import into folder" id="import-app-folder" error={fieldErrors.folderId?.[0]}>
            <Select name="folderId" defaultValue={canTop ? '' : (folders[0]?.id ?? '')}>
              {canTop ? <option value="">No folder</option> : null}
              {folders.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      )}
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="release" /> Release it as the next version
        </label>
        {appId ? null : (
          <label className="flex items-center gap-2">
            <input type="checkbox" name="history" /> Recreate the document&apos;s releases
          </label>
        )}
      </div>
      {fieldErrors.history ? <p className="text-xs text-red-700">{fieldErrors.history[0]}</p> : null}
      {message ? (
        <div role="alert" data-testid="import-error" className="space-y-2">
          <FormError message={message} />
          {problems.length ? (
            <ul className="list-disc space-y-1 pl-5 text-sm text-red-800" data-testid="import-problems">
              {problems.map(([path, messages]) => (
                <li key={path}>
                  {path.startsWith('resources[') ? null : <code className="mr-1 text-xs">{path}</code>}
                  {messages.join(' ')}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {state?.ok ? (
        <p className="text-sm text-green-700" data-testid="import-done">
          {state.data.created ? 'Imported' : 'Saved a new draft of'}{' '}
          <Link href={`/apps/${state.data.appId}`} className="font-medium underline">
            {state.data.name}
          </Link>
          {state.data.releasedVersion ? `, released as version ${state.data.releasedVersion}` : ''}.
        </p>
      ) : null}
      <SubmitButton disabled={pending}>{pending ? 'Importing…' : appId ? 'Import as new draft' : 'Import app'}</SubmitButton>
    </form>
  );
}
