'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { TextField } from '@/components/form/text-field';
import { FormError } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';

const RATE_LIMITED = 'rate_limited:';
const SECOND_FACTOR_REQUIRED = 'second_factor_required';

function messageFor(error: string): string {
  if (error.startsWith(RATE_LIMITED)) {
    const seconds = Number(error.slice(RATE_LIMITED.length)) || 1;
    return `Too many failed attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }
  if (error === 'CredentialsSignin') return 'Incorrect email or password.';
  if (error === 'sso_enforced') return 'This organization signs in with SSO. Break-glass admins: check your email and password.';
  return 'Sign-in failed. Try again.';
}

/** Only same-site paths, so a crafted link cannot send a fresh session elsewhere. */
export function safeCallback(url: string | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
}

export function PasswordForm({ orgSlug, callbackUrl }: { orgSlug: string; callbackUrl?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn('credentials', {
      redirect: false,
      orgSlug,
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    });
    if (result?.ok && !result.error) {
      router.replace(safeCallback(callbackUrl));
      return;
    }
    if (result?.error === SECOND_FACTOR_REQUIRED) {
      router.replace(`/sign-in/two-factor${callbackUrl ? `?callbackUrl=${encodeURIComponent(safeCallback(callbackUrl))}` : ''}`);
      return;
    }
    setPending(false);
    setError(messageFor(result?.error ?? ''));
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4">
      <FormError message={error} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton disabled={pending} className="w-full">
        {pending ? 'Signing in…' : 'Sign in'}
      </SubmitButton>
    </form>
  );
}
