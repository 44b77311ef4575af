import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAppError } from '@/lib/errors';
import { parseForm } from './forms';

function form(values: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe('parseForm', () => {
  const schema = z.object({ name: z.string().min(1), note: z.string() });

  it('parses what the schema accepts', () => {
    expect(parseForm(schema, form({ name: 'Ops', note: 'ok', $ACTION_ID_x: '' }))).toEqual({ name: 'Ops', note: 'ok' });
  });

  it('refuses text Postgres cannot store, naming each field, before the schema runs', () => {
    let caught: unknown;
    try {
      // (FormData holds USVStrings: a lone surrogate arrives as U+FFFD, so NUL is what can get through.)
      parseForm(schema, form({ name: 'Op\u0000s', note: 'a\u0000' }));
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught) && caught.code).toBe('invalid_input');
    const fieldErrors = (caught as { meta: { fieldErrors: Record<string, string[]> } }).meta.fieldErrors;
    expect(Object.keys(fieldErrors).sort()).toEqual(['name', 'note']);
    expect(fieldErrors.name![0]).toMatch(/NUL character/);
  });
});
