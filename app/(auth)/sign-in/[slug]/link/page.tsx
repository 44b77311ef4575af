// /sign-in/:slug/link — an SSO or Google sign-in found an existing account with its email: the
// account's password (and second factor when enrolled) links the identity. Without the link
// cookie of this browser there is nothing to complete.
import type { Metadata } from 'next';
import Link from 'next/link';
import { cookies } from 'next/headers';
import { Card } from '@/components/ui/card';
import { LINK_COOKIE } from '@/lib/auth/cookies';
import { findPendingLink } from '@/lib/auth/identity-link';
import { LinkIdentityForm } from './link-form';

export const metadata: Metadata = { title: 'Link your account' };

export default async function LinkIdentityPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const pending = await findPendingLink((await cookies()).get(LINK_COOKIE)?.value);
  if (!pending || pending.orgSlug !== slug) {
    return (
      <Card title="Sign in again" description="This link request has expired, was already used, or took too many wrong answers.">
        <Link href={`/sign-in/${encodeURIComponent(slug)}`} className="font-medium text-brand-600 hover:underline">
          Back to sign-in
        </Link>
      </Card>
    );
  }
  const via = pending.provider === 'google' ? 'Google' : 'single sign-on';
  return (
    <Card
      title="An account with this email already exists"
      description={`${pending.email} already has an account in ${pending.orgName}. Sign in with its password${pending.needsCode ? ' and a two-factor code' : ''} to link it to ${via}; after that, ${via} signs you straight in.`}
    >
      <LinkIdentityForm email={pending.email} needsCode={pending.needsCode} />
      <p className="mt-6 text-center text-sm text-slate-600">
        Not your account?{' '}
        <Link href={`/sign-in/${encodeURIComponent(slug)}`} className="font-medium text-brand-600 hover:underline">
          Back to sign-in
        </Link>
      </p>
    </Card>
  );
}
