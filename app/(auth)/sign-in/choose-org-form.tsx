'use client';

import { TextField } from '@/components/form/text-field';
import { FormError } from '@/components/form/form-message';
import { useFormAction } from '@/components/form/use-form-action';
import { SubmitButton } from '@/components/form/submit-button';
import { chooseOrgAction } from './actions';

export function ChooseOrgForm({ callbackUrl }: { callbackUrl?: string }) {
  const { onSubmit, pending, fieldErrors, formError } = useFormAction(chooseOrgAction);
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <TextField
        label="Organization"
        name="slug"
        placeholder="acme"
        autoComplete="organization"
        autoCapitalize="none"
        spellCheck={false}
        required
        autoFocus
        errors={fieldErrors.slug}
        hint="The short name in your organization’s sign-in link, e.g. acme in /sign-in/acme."
      />
      <SubmitButton disabled={pending} className="w-full">
        {pending ? 'Finding…' : 'Continue'}
      </SubmitButton>
    </form>
  );
}
