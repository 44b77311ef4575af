import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { FormError } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { GOOGLE_FAILURE_MESSAGES, offersGoogle } from '@/lib/auth/google';
import { enforcesSso } from '@/lib/auth/sso-enforcement';
import { findOrganizationBySlug, getOrganizationSettings } from '@/lib/orgs/reads';
import { organizationHasSso } from '@/lib/sso/connections';
import { SSO_FAILURE_MESSAGES } from '@/lib/sso/sign-in';
import { startSsoAction } from '../actions';
import { GoogleButton } from './google-button';
import { PasswordForm } from './password-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function OrgSignInPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ callbackUrl?: string; sso_error?: string; google_error?: string }>;
}) {
  const org = await findOrganizationBySlug((await params).slug);
  if (!org) notFound();
  const { callbackUrl, sso_error: ssoError, google_error: googleError } = await searchParams;
  const sso = await organizationHasSso(org.id);
  const settings = await getOrganizationSettings(org.id);
  const enforced = enforcesSso(settings);
  const google = offersGoogle(settings);
  const ssoMessage =
    ssoError && Object.hasOwn(SSO_FAILURE_MESSAGES, ssoError)
      ? SSO_FAILURE_MESSAGES[ssoError as keyof typeof SSO_FAILURE_MESSAGES]
      : googleError && Object.hasOwn(GOOGLE_FAILURE_MESSAGES, googleError)
        ? GOOGLE_FAILURE_MESSAGES[googleError as keyof typeof GOOGLE_FAILURE_MESSAGES]
        : null;
  return (
    <Card title={`Sign in to ${org.name}`} description={<span className="font-mono text-xs">{org.slug}</span>}>
      {ssoMessage ? (
        <div className="mb-4" data-testid="sso-error">
          <FormError message={ssoMessage} />
        </div>
      ) : null}
      {sso ? (
        <form action={startSsoAction} className="mb-6 border-b border-slate-200 pb-6">
          <input type="hidden" name="orgSlug" value={org.slug} />
          <SubmitButton variant="secondary" className="w-full">
            Sign in with SSO
          </SubmitButton>
        </form>
      ) : null}
      {google ? (
        <div className="mb-6 border-b border-slate-200 pb-6">
          <GoogleButton orgSlug={org.slug} callbackUrl={callbackUrl} />
        </div>
      ) : null}
      {enforced ? (
        // Only break-glass admins (with their second factor) get in this way; the form is one click away.
        <details data-testid="break-glass">
          <summary className="cursor-pointer text-center text-sm text-slate-600 hover:underline">Break-glass sign-in</summary>
          <div className="mt-4">
            <PasswordForm orgSlug={org.slug} callbackUrl={callbackUrl} />
          </div>
        </details>
      ) : (
        <PasswordForm orgSlug={org.slug} callbackUrl={callbackUrl} />
      )}
      <p className="mt-6 text-center text-sm text-slate-600">
        Not your organization?{' '}
        <Link href="/sign-in?switch=1" className="font-medium text-brand-600 hover:underline">
          Choose another
        </Link>
      </p>
    </Card>
  );
}
