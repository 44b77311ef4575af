import type { Metadata } from 'next';
import Link from 'next/link';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { ORG_COOKIE } from '@/lib/auth/cookies';
import { signupOpen } from '@/lib/env';
import { countOrganizations, findOrganizationBySlug } from '@/lib/orgs/reads';
import { ChooseOrgForm } from './choose-org-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ switch?: string; callbackUrl?: string }> }) {
  if ((await countOrganizations()) === 0) redirect('/setup');
  const { switch: switching, callbackUrl } = await searchParams;
  const remembered = (await cookies()).get(ORG_COOKIE)?.value;
  if (remembered && !switching && (await findOrganizationBySlug(remembered))) {
    redirect(`/sign-in/${remembered}${callbackUrl ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ''}`);
  }
  return (
    <Card title="Sign in to your organization" description="Which organization are you signing in to?">
      <ChooseOrgForm callbackUrl={callbackUrl} />
      {signupOpen() ? (
        <p className="mt-6 text-center text-sm text-slate-600">
          New to Gatehouse?{' '}
          <Link href="/signup" className="font-medium text-brand-600 hover:underline">
            Create an organization
          </Link>
        </p>
      ) : null}
    </Card>
  );
}
