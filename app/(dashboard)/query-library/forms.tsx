'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, type TextareaHTMLAttributes } from 'react';
import { useFormAction } from '@/components/form/use-form-action';
import { TextField } from '@/components/form/text-field';
import { SubmitButton } from '@/components/form/submit-button';
import { Field } from '@/components/ui/fields';
import { createLibraryQueryAction, updateLibraryQueryAction } from './actions';

export type LibraryQueryFormValues = {
  name: string;
  description: string;
  resourceId: string;
  type: 'sql' | 'rest';
  sql: string;
  method: string;
  path: string;
  params: string;
  body: string;
  disableLoggingFor: string;
};

const area = 'block w-full rounded-md border bg-white px-3 py-2 font-mono text-sm shadow-sm outline-none focus:ring-2';

/** A text area; the Field around it gives it its id, description and invalid state. */
function TextArea({ errors, rows = 4, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string; errors?: string[] }) {
  return (
    <textarea
      {...props}
      rows={rows}
      className={`${area} ${errors?.length ? 'border-red-400 focus:ring-red-200' : 'border-slate-300 focus:ring-brand-100'}`}
    />
  );
}

/** Create (no `libraryQueryId`) or edit a library query; field errors show under their fields. */
export function LibraryQueryForm({
  libraryQueryId,
  resources,
  initial,
}: {
  libraryQueryId?: string;
  resources: { id: string; name: string }[];
  initial: LibraryQueryFormValues;
}) {
  const router = useRouter();
  const { state, onSubmit, pending, fieldErrors } = useFormAction<{ id: string; version: number }>(
    libraryQueryId ? updateLibraryQueryAction : createLibraryQueryAction,
  );
  const [type, setType] = useState(initial.type);
  useEffect(() => {
    if (state?.ok && !libraryQueryId) router.push(`/query-library/${state.data.id}`);
  }, [state, libraryQueryId, router]);
  const message = state && !state.ok ? state.message : null;
  return (
    <form method="post" onSubmit={onSubmit} className="max-w-3xl space-y-4" data-testid="library-query-form">
      {libraryQueryId ? <input type="hidden" name="libraryQueryId" value={libraryQueryId} /> : null}
      <TextField label="Name" name="name" defaultValue={initial.name} errors={fieldErrors.name} />
      <Field label="Description" id="field-description" error={fieldErrors.description?.[0]}>
        <TextArea name="description" defaultValue={initial.description} errors={fieldErrors.description} rows={2} />
      </Field>
      <div className="flex flex-wrap gap-4">
        <Field label="Resource" id="field-resourceId" error={fieldErrors.resourceId?.[0]}>
          <select
            name="resourceId"
            defaultValue={initial.resourceId}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm"
          >
            <option value="">Choose a resource…</option>
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Type" id="field-type" error={fieldErrors.type?.[0]}>
          <select
            name="type"
            value={type}
            onChange={(e) => setType(e.target.value as 'sql' | 'rest')}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm"
          >
            <option value="sql">SQL</option>
            <option value="rest">REST</option>
          </select>
        </Field>
      </div>
      {type === 'sql' ? (
        <Field
          label="SQL"
          id="field-sql"
          error={fieldErrors.sql?.[0]}
          hint="{{ }} values (current_user.email, component values) become bind parameters."
        >
          <TextArea name="sql" defaultValue={initial.sql} errors={fieldErrors.sql} rows={6} />
        </Field>
      ) : (
        <>
          <div className="flex flex-wrap gap-4">
            <Field label="Method" id="field-method" error={fieldErrors.method?.[0]}>
              <select
                name="method"
                defaultValue={initial.method}
                className="rounded-md border border-slate-300 bg-white px-2.5 py-2 text-sm"
              >
                {['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </Field>
            <div className="flex-1">
              <TextField
                label="Path"
                name="path"
                defaultValue={initial.path}
                errors={fieldErrors.path}
                placeholder="/orders/{{ orderId.value }}"
              />
            </div>
          </div>
          <Field label="Query parameters" id="field-params" error={fieldErrors.params?.[0]} hint="One name=value per line.">
            <TextArea name="params" defaultValue={initial.params} errors={fieldErrors.params} rows={3} />
          </Field>
          <Field label="JSON body" id="field-body" error={fieldErrors.body?.[0]}>
            <TextArea name="body" defaultValue={initial.body} errors={fieldErrors.body} rows={4} />
          </Field>
        </>
      )}
      <TextField
        label="Disable logging for"
        name="disableLoggingFor"
        defaultValue={initial.disableLoggingFor}
        errors={fieldErrors.disableLoggingFor}
        hint="Parameters whose values never reach audit rows, logs or error messages, e.g. password.value"
      />
      <div className="flex items-center gap-3">
        <SubmitButton disabled={pending}>{pending ? 'Saving…' : libraryQueryId ? 'Save query' : 'Create query'}</SubmitButton>
        {message ? (
          <span role="alert" data-testid="action-error" className="text-sm text-red-700">
            {message}
          </span>
        ) : null}
        {state?.ok && libraryQueryId ? (
          <span className="text-sm text-green-700" data-testid="saved">
            Saved as version {state.data.version}.
          </span>
        ) : null}
      </div>
    </form>
  );
}
