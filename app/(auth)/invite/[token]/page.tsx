import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { findOpenInvite } from '@/lib/users/invites';
import { AcceptInviteForm } from './accept-form';

export const metadata: Metadata = { title: 'Accept invitation', referrer: 'no-referrer' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await findOpenInvite(token);
  if (!invite) {
    return (
      <Card
        title="This invitation cannot be used"
        description="The link is invalid, was already used, was replaced by a newer one, or has expired."
      >
        <p className="text-sm text-slate-600">Ask your admin for a new invitation.</p>
        <Link href="/sign-in" className="mt-4 inline-block text-sm font-medium text-brand-600 hover:underline">
          Go to sign-in
        </Link>
      </Card>
    );
  }
  return (
    <Card title={`Join ${invite.orgName}`} description="Choose your name and a password to finish setting up your account.">
      <AcceptInviteForm token={token} email={invite.email} />
    </Card>
  );
}
