'use client';

import type { ReactNode } from 'react';
import { RecoveryCodesList } from '@/components/auth/recovery-codes-list';
import { ActionForm } from '@/components/form/action-form';
import { FormError } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { useFormAction } from '@/components/form/use-form-action';
import { Input } from '@/components/ui/fields';
import { confirmTwoFactorEnrollmentAction, regenerateRecoveryCodesAction } from './actions';

/**
 * The authenticator being set up (`setup`, rendered on the server) and the code that turns it on.
 * Once it is on, only the recovery codes remain: the QR code, key and form would invite a second try.
 */
export function ConfirmEnrollmentForm({ setup }: { setup: ReactNode }) {
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(confirmTwoFactorEnrollmentAction);
  if (state?.ok) {
    return (
      <div className="w-full space-y-3">
        <p className="font-medium text-green-800">Two-factor authentication is on.</p>
        <RecoveryCodesList codes={state.data.recoveryCodes} />
        <a href="/account" className="font-medium text-brand-600 hover:underline">
          I have saved my recovery codes
        </a>
      </div>
    );
  }
  return (
    <>
      {setup}
      <form method="post" onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
        <Input
          name="code"
          aria-label="Code from your authenticator app"
          placeholder="123456"
          autoComplete="one-time-code"
          className="w-40"
        />
        <SubmitButton disabled={pending}>{pending ? 'Turning on…' : 'Turn on two-factor'}</SubmitButton>
        <FormError message={formError ?? fieldErrors.code?.[0]} />
      </form>
    </>
  );
}

export function RegenerateRecoveryCodesForm() {
  return (
    <ActionForm
      action={regenerateRecoveryCodesAction}
      submitLabel="Regenerate recovery codes"
      variant="secondary"
      className="flex flex-wrap items-center gap-2"
      success={(data) => <RecoveryCodesList codes={data.recoveryCodes} />}
    >
      <Input
        name="code"
        aria-label="Code for new recovery codes"
        placeholder="Current code"
        autoComplete="one-time-code"
        className="w-40"
      />
    </ActionForm>
  );
}
