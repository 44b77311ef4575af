// FormData → zod, and small zod helpers for values that arrive as FormData strings.
import { z } from 'zod';
import { AppError, type FieldErrors } from '@/lib/errors';
import { isStorableText, printable, UNSTORABLE_TEXT } from '@/lib/storable-text';

/** A checkbox: "on"/"true" → true, absent or anything else → false. */
export const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

/** An optional id from a <select>: "" → null. */
export const optionalId = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid('Choose one from the list.').nullable());

export function formToObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (!key.startsWith('$ACTION') && typeof value === 'string') out[key] = value;
  }
  return out;
}

/** Parses FormData with `schema`; failures become an invalid_input AppError with field errors. */
export function parseForm<S extends z.ZodType>(schema: S, form: FormData): z.infer<S> {
  const values = formToObject(form);
  const unstorable = Object.entries(values).filter(([, v]) => !isStorableText(v));
  if (unstorable.length) {
    throw new AppError('invalid_input', 'Check the highlighted fields.', {
      fieldErrors: Object.fromEntries(unstorable.map(([k]) => [printable(k), [`This field ${UNSTORABLE_TEXT}.`]])) as FieldErrors,
    });
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const { fieldErrors, formErrors } = z.flattenError(parsed.error);
    throw new AppError('invalid_input', formErrors[0] ?? 'Check the highlighted fields.', {
      fieldErrors: fieldErrors as FieldErrors,
    });
  }
  return parsed.data;
}
