import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { CreateOrganizationForm } from '@/components/auth/create-organization-form';
import { Card } from '@/components/ui/card';
import { signupOpen } from '@/lib/env';
import { countOrganizations } from '@/lib/orgs/reads';
import { signupAction } from './actions';

export const metadata: Metadata = { title: 'Create an organization' };

export default async function SignupPage() {
  if ((await countOrganizations()) === 0) redirect('/setup');
  if (!signupOpen()) {
    return (
      <Card
        title="Sign-up is closed"
        description="Creating organizations is turned off on this Gatehouse. Ask an operator to create one for you."
      >
        <Link href="/sign-in" className="text-sm font-medium text-brand-600 hover:underline">
          Sign in instead
        </Link>
      </Card>
    );
  }
  return (
    <Card title="Create an organization" description="A new, separate organization with you as its first admin.">
      <CreateOrganizationForm action={signupAction} submitLabel="Create organization" />
      <p className="mt-6 text-center text-sm text-slate-600">
        Already have an account?{' '}
        <Link href="/sign-in" className="font-medium text-brand-600 hover:underline">
          Sign in
        </Link>
      </p>
    </Card>
  );
}
