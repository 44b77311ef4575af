import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { CreateOrganizationForm } from '@/components/auth/create-organization-form';
import { Card } from '@/components/ui/card';
import { countOrganizations } from '@/lib/orgs/reads';
import { setupAction } from '../signup/actions';

export const metadata: Metadata = { title: 'Create your organization' };

/** First run: shown only while no organization exists. */
export default async function SetupPage() {
  if ((await countOrganizations()) > 0) redirect('/sign-in');
  return (
    <Card
      title="Create your organization"
      description="Welcome to Gatehouse. Set up your organization and its first admin account — that’s you."
    >
      <CreateOrganizationForm action={setupAction} submitLabel="Create organization" />
    </Card>
  );
}
