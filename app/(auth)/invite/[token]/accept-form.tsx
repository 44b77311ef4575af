'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { FormError } from '@/components/form/form-message';
import { TextField } from '@/components/form/text-field';
import { useFormAction } from '@/components/form/use-form-action';
import { SubmitButton } from '@/components/form/submit-button';
import { redeemInviteAction } from './actions';

export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(redeemInviteAction);

  useEffect(() => {
    if (!state?.ok || !formRef.current) return;
    const password = String(new FormData(formRef.current).get('password'));
    // An organization that requires two-factor sends the new member to set it up first.
    void signIn('credentials', { redirect: false, orgSlug: state.data.orgSlug, email: state.data.email, password }).then((r) =>
      router.replace(
        r?.ok && !r.error ? '/' : r?.error === 'second_factor_required' ? '/sign-in/two-factor' : `/sign-in/${state.data.orgSlug}`,
      ),
    );
  }, [state, router]);

  return (
    <form method="post" ref={formRef} onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" name="email-display" value={email} readOnly disabled />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="First name" name="firstName" autoComplete="given-name" required autoFocus errors={fieldErrors.firstName} />
        <TextField label="Last name" name="lastName" autoComplete="family-name" errors={fieldErrors.lastName} />
      </div>
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={fieldErrors.password}
        hint="At least 12 characters."
      />
      <SubmitButton disabled={pending || Boolean(state?.ok)} className="w-full">
        {pending || state?.ok ? 'Joining…' : 'Join'}
      </SubmitButton>
    </form>
  );
}
