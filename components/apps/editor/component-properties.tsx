'use client';
import { useState } from 'react';
import { Field, Input, Select } from '@/components/ui/fields';
import { fieldsToText, optionsToText, textToFields, textToOptions } from '@/lib/apps/editing';
import { codeArea } from './panel';

/** An emptied optional field leaves the JSON rather than staying as "". */
const optional = (v: string) => (v === '' ? undefined : v);

/** The selected component's properties, by type; each shows the problem at its own path. */
export function ComponentProperties({
  component: c,
  at,
  queryNames,
  problemAt,
  set,
}: {
  component: Record<string, unknown>;
  at: string;
  queryNames: string[];
  problemAt: (path: string) => string | undefined;
  set: (key: string, value: unknown) => void;
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
          <textarea className={codeArea} rows={4} value={str('value')} onChange={(e) => set('value', e.target.value)} />
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
            className={codeArea}
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
              className={codeArea}
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
