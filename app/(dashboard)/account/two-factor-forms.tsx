'use client';

import { RecoveryCodesList } from '@/components/auth/recovery-codes-list';
import { ActionForm } from '@/components/form/action-form';
import { Input } from '@/components/ui/fields';
import { confirmTwoFactorEnrollmentAction, regenerateRecoveryCodesAction } from './actions';

export function ConfirmEnrollmentForm() {
  return (
    <ActionForm
      action={confirmTwoFactorEnrollmentAction}
      submitLabel="Turn on two-factor"
      className="flex flex-wrap items-center gap-2"
      success={(data) => (
        <div className="w-full space-y-2">
          <RecoveryCodesList codes={data.recoveryCodes} />
          <a href="/account" className="font-medium text-brand-600 hover:underline">
            I have saved my recovery codes
          </a>
        </div>
      )}
    >
      <Input name="code" aria-label="Code from your authenticator app" placeholder="123456" autoComplete="one-time-code" className="w-40" />
    </ActionForm>
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
