'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { TextField } from '@/components/form/text-field';
import { FormError } from '@/components/form/form-message';
import { useFormAction } from '@/components/form/use-form-action';
import { SubmitButton } from '@/components/form/submit-button';
import type { ActionResult } from '@/lib/server/action';

type Created = { organizationId: string; slug: string; userId: string };

/** Creates an organization and its admin, then signs the admin in. */
export function CreateOrganizationForm({
  action,
  submitLabel,
}: {
  action: (prev: ActionResult<Created> | null, form: FormData) => Promise<ActionResult<Created>>;
  submitLabel: string;
}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const { state, onSubmit, pending, fieldErrors, formError } = useFormAction(action);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [slugTouched, setSlugTouched] = useState(false);

  useEffect(() => {
    if (!state?.ok || !formRef.current) return;
    const form = new FormData(formRef.current);
    void signIn('credentials', {
      redirect: false,
      orgSlug: state.data.slug,
      email: String(form.get('email')),
      password: String(form.get('password')),
    }).then((result) => {
      if (result?.ok && !result.error) router.replace('/');
      else setSignInError('Your organization was created, but signing you in failed. Sign in below.');
    });
  }, [state, router]);

  if (signInError && state?.ok) {
    return (
      <div className="space-y-4">
        <FormError message={signInError} />
        <a href={`/sign-in/${state.data.slug}`} className="text-sm font-medium text-brand-600 hover:underline">
          Go to the sign-in page
        </a>
      </div>
    );
  }

  const suggestSlug = (name: string) => {
    if (slugTouched || !formRef.current) return;
    const slug = formRef.current.elements.namedItem('slug') as HTMLInputElement;
    slug.value = name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40);
  };

  const busy = pending || Boolean(state?.ok);
  return (
    <form method="post" ref={formRef} onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={formError} />
      <TextField
        label="Organization name"
        name="name"
        required
        autoFocus
        errors={fieldErrors.name}
        onChange={(e) => suggestSlug(e.target.value)}
      />
      <TextField
        label="Organization URL name"
        name="slug"
        required
        autoCapitalize="none"
        spellCheck={false}
        errors={fieldErrors.slug}
        onChange={() => setSlugTouched(true)}
        hint="Lowercase letters, digits and hyphens. People sign in at /sign-in/<name>."
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="First name" name="firstName" autoComplete="given-name" required errors={fieldErrors.firstName} />
        <TextField label="Last name" name="lastName" autoComplete="family-name" errors={fieldErrors.lastName} />
      </div>
      <TextField label="Work email" name="email" type="email" autoComplete="email" required errors={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={fieldErrors.password}
        hint="At least 12 characters."
      />
      <SubmitButton disabled={busy} className="w-full">
        {busy ? 'Creating…' : submitLabel}
      </SubmitButton>
    </form>
  );
}
