'use client';

import { startTransition, useActionState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/server/action';

type Action<R> = (prev: ActionResult<R> | null, form: FormData) => Promise<ActionResult<R>>;

/**
 * Runs a server action from onSubmit, so the form keeps what was typed when the action answers
 * with field errors (a plain `<form action>` resets its inputs).
 */
export function useFormAction<R>(action: Action<R>) {
  const [state, dispatch, pending] = useActionState(action, null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  };
  const fieldErrors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const formError = state && !state.ok && !state.fieldErrors ? state.message : null;
  return { state, onSubmit, pending, fieldErrors, formError };
}
