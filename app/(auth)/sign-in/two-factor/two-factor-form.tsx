'use client';

import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import { RecoveryCodesList } from '@/components/auth/recovery-codes-list';
import { FormError } from '@/components/form/form-message';
import { TextField } from '@/components/form/text-field';
import { useFormAction } from '@/components/form/use-form-action';
import { SubmitButton } from '@/components/form/submit-button';
import { Button } from '@/components/ui/button';
import { safeCallback } from '../[slug]/password-form';
import { confirmSignInEnrollmentAction } from '../actions';

const RATE_LIMITED = 'rate_limited:';
const WRONG_CODE = 'wrong_code:';

function messageFor(error: string): { text: string; startOver: boolean } {
  if (error.startsWith(RATE_LIMITED)) {
    const seconds = Number(error.slice(RATE_LIMITED.length)) || 1;
    return { text: `Too many wrong codes. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, startOver: false };
  }
  if (error.startsWith(WRONG_CODE)) {
    const left = Number(error.slice(WRONG_CODE.length));
    return { text: `That code is not right, or it was already used. ${left} attempt${left === 1 ? '' : 's'} left.`, startOver: false };
  }
  return { text: 'This sign-in has expired or took too many wrong codes. Sign in again.', startOver: true };
}

/** Finishes the sign-in through next-auth's second-factor provider; only it can issue the session. */
function useSecondFactor(callbackUrl: string | undefined) {
  const router = useRouter();
  const [error, setError] = useState<{ text: string; startOver: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  async function submit(code: string) {
    setPending(true);
    setError(null);
    const result = await signIn('second-factor', { redirect: false, code });
    if (result?.ok && !result.error) {
      router.replace(safeCallback(callbackUrl));
      return;
    }
    setPending(false);
    setError(messageFor(result?.error ?? ''));
  }
  return { submit, error, pending };
}

function StartOverError({ error }: { error: { text: string; startOver: boolean } | null }) {
  if (!error) return null;
  return (
    <>
      <FormError message={error.text} />
      {error.startOver ? (
        <Link href="/sign-in" className="block text-sm font-medium text-brand-600 hover:underline">
          Back to sign-in
        </Link>
      ) : null}
    </>
  );
}

export function TwoFactorCodeForm({ callbackUrl }: { callbackUrl?: string }) {
  const { submit, error, pending } = useSecondFactor(callbackUrl);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('code') as HTMLInputElement;
    void submit(input.value).then(() => input.select());
  }
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4">
      <StartOverError error={error} />
      <TextField label="Authentication code" name="code" autoComplete="one-time-code" inputMode="text" required autoFocus maxLength={32} />
      <SubmitButton disabled={pending} className="w-full">
        {pending ? 'Verifying…' : 'Verify'}
      </SubmitButton>
    </form>
  );
}

export function ContinueAfterEnrollment({ callbackUrl }: { callbackUrl?: string }) {
  const { submit, error, pending } = useSecondFactor(callbackUrl);
  return (
    <div className="space-y-4">
      <StartOverError error={error} />
      <Button type="button" disabled={pending} className="w-full" onClick={() => void submit('')}>
        {pending ? 'Signing in…' : 'Continue'}
      </Button>
    </div>
  );
}

/** `setup`: the QR code and key (rendered on the server), shown until the authenticator is confirmed. */
export function SignInEnrollmentForm({ callbackUrl, setup }: { callbackUrl?: string; setup?: ReactNode }) {
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(confirmSignInEnrollmentAction);
  if (state?.ok) {
    return (
      <div className="space-y-4">
        <RecoveryCodesList codes={state.data.recoveryCodes} />
        <ContinueAfterEnrollment callbackUrl={callbackUrl} />
      </div>
    );
  }
  return (
    <>
      {setup}
      <form method="post" onSubmit={onSubmit} className="space-y-4">
        <FormError message={formError} />
        <TextField label="Authentication code" name="code" autoComplete="one-time-code" required maxLength={32} errors={fieldErrors.code} />
        <SubmitButton disabled={pending} className="w-full">
          {pending ? 'Confirming…' : 'Turn on two-factor authentication'}
        </SubmitButton>
      </form>
    </>
  );
}
