'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';
import { FormError } from '@/components/form/form-message';
import { Button } from '@/components/ui/button';
import { startGoogleAction } from '../actions';
import { safeCallback } from './password-form';

export function GoogleButton({ orgSlug, callbackUrl }: { orgSlug: string; callbackUrl?: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function start() {
    setPending(true);
    setError(null);
    // The organization is bound to this browser first; Google's answer cannot choose it.
    const bound = await startGoogleAction(orgSlug);
    if (!bound.ok) {
      setPending(false);
      setError('This organization does not offer sign-in with Google.');
      return;
    }
    await signIn('google', { callbackUrl: safeCallback(callbackUrl) });
  }
  return (
    <div className="space-y-2">
      <FormError message={error} />
      <Button type="button" variant="secondary" className="w-full" disabled={pending} onClick={() => void start()}>
        {pending ? 'Going to Google…' : 'Sign in with Google'}
      </Button>
    </div>
  );
}
