import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { findOrganizationBySlug } from '@/lib/orgs/reads';
import { PasswordForm } from './password-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function OrgSignInPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  const org = await findOrganizationBySlug((await params).slug);
  if (!org) notFound();
  const { callbackUrl } = await searchParams;
  return (
    <Card title={`Sign in to ${org.name}`} description={<span className="font-mono text-xs">{org.slug}</span>}>
      <PasswordForm orgSlug={org.slug} callbackUrl={callbackUrl} />
      <p className="mt-6 text-center text-sm text-slate-600">
        Not your organization?{' '}
        <Link href="/sign-in?switch=1" className="font-medium text-brand-600 hover:underline">
          Choose another
        </Link>
      </p>
    </Card>
  );
}
