'use client';
import { useState } from 'react';
import { Field, Input, Select } from '@/components/ui/fields';
import { codeArea } from './panel';
import type { EditorLibraryQuery, EditorResource } from './state';

/** A library query reference: which query and which of its versions the app runs. */
export function LibraryQueryProperties({
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

/** A SQL or REST query of the app: its resource, its text, and the parameters kept out of the logs. */
export function QueryProperties({
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
              className={codeArea}
              rows={4}
              value={str('body')}
              onChange={(e) => set('body', e.target.value === '' ? undefined : e.target.value)}
            />
          </Field>
        </>
      ) : (
        <Field label="SQL" error={err('sql')} hint="{{ }} values become bind parameters, never SQL text.">
          <textarea className={codeArea} rows={6} spellCheck={false} value={str('sql')} onChange={(e) => set('sql', e.target.value)} />
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
