'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/server/action';
import { useFormAction } from './use-form-action';
import { SubmitButton } from './submit-button';

type Action<R> = (prev: ActionResult<R> | null, form: FormData) => Promise<ActionResult<R>>;

/**
 * A form bound to a server action: shows the action's error (and every field error) above the
 * fields, disables the button while it runs, and clears itself after success when `resetOnSuccess`.
 */
export function ActionForm<R>({
  action,
  submitLabel,
  pendingLabel,
  variant = 'primary',
  confirm,
  resetOnSuccess = false,
  className = '',
  children,
  success,
}: {
  action: Action<R>;
  submitLabel: string;
  pendingLabel?: string;
  variant?: 'primary' | 'secondary' | 'danger';
  confirm?: string;
  resetOnSuccess?: boolean;
  className?: string;
  children?: ReactNode;
  success?: (data: R) => ReactNode;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending } = useFormAction(action);
  useEffect(() => {
    if (state?.ok && resetOnSuccess) formRef.current?.reset();
  }, [state, resetOnSuccess]);
  const errors =
    state && !state.ok ? [state.message, ...Object.values(state.fieldErrors ?? {}).flat()].filter((m, i, all) => all.indexOf(m) === i) : [];
  return (
    <form
      method="post"
      ref={formRef}
      className={className}
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) {
          e.preventDefault();
          return;
        }
        onSubmit(e);
      }}
    >
      {children}
      <SubmitButton variant={variant} disabled={pending}>
        {pending ? (pendingLabel ?? `${submitLabel}…`) : submitLabel}
      </SubmitButton>
      {errors.length ? (
        <span role="alert" data-testid="action-error" className="text-sm text-red-700">
          {errors.join(' ')}
        </span>
      ) : null}
      {state?.ok && success ? success(state.data) : null}
    </form>
  );
}
