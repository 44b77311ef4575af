'use client';

import { FormError } from '@/components/form/form-message';
import { TextField } from '@/components/form/text-field';
import { useFormAction } from '@/components/form/use-form-action';
import { SubmitButton } from '@/components/form/submit-button';
import { linkIdentityAction } from '../../actions';

export function LinkIdentityForm({ email, needsCode }: { email: string; needsCode: boolean }) {
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(linkIdentityAction);
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        errors={fieldErrors.password}
      />
      {needsCode ? (
        <TextField
          label="Two-factor code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          hint="From your authenticator app, or a recovery code."
          errors={fieldErrors.code}
        />
      ) : null}
      <FormError message={formError} />
      <SubmitButton className="w-full" disabled={pending}>
        {pending ? 'Linking…' : 'Link and sign in'}
      </SubmitButton>
    </form>
  );
}
