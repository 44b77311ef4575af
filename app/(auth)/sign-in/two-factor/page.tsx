// /sign-in/two-factor — the second step of a sign-in: a code from the authenticator app (or a
// recovery code), or setting one up when the organization requires it. No session exists yet.
import type { Metadata } from 'next';
import Link from 'next/link';
import { cookies } from 'next/headers';
import { Card } from '@/components/ui/card';
import { findLiveChallenge } from '@/lib/auth/challenge';
import { CHALLENGE_COOKIE } from '@/lib/auth/cookies';
import { pendingEnrollment } from '@/lib/auth/two-factor';
import { EnrollmentSetup } from '@/components/auth/enrollment-setup';
import { ContinueAfterEnrollment, SignInEnrollmentForm, TwoFactorCodeForm } from './two-factor-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const challenge = await findLiveChallenge((await cookies()).get(CHALLENGE_COOKIE)?.value);
  if (!challenge) {
    return (
      <Card title="Sign in again" description="This sign-in has expired, was already used, or took too many wrong codes.">
        <Link href="/sign-in" className="font-medium text-brand-600 hover:underline">
          Back to sign-in
        </Link>
      </Card>
    );
  }
  if (challenge.kind === 'verify') {
    return (
      <Card
        title="Two-factor authentication"
        description={`Enter the 6-digit code from your authenticator app for ${challenge.email}, or one of your recovery codes.`}
      >
        <TwoFactorCodeForm callbackUrl={callbackUrl} />
      </Card>
    );
  }
  if (challenge.passed) {
    return (
      <Card title="Two-factor authentication is on">
        <ContinueAfterEnrollment callbackUrl={callbackUrl} />
      </Card>
    );
  }
  const enrollment = await pendingEnrollment(challenge.orgId, challenge.userId, {
    email: challenge.email,
    issuer: `Gatehouse (${challenge.orgSlug})`,
  });
  return (
    <Card
      title="Set up two-factor authentication"
      description={`${challenge.orgName} requires two-factor authentication. Add Gatehouse to your authenticator app, then enter the code it shows.`}
    >
      <SignInEnrollmentForm callbackUrl={callbackUrl} setup={enrollment ? <EnrollmentSetup enrollment={enrollment} /> : null} />
    </Card>
  );
}
