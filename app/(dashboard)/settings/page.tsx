import { NotBuiltYet } from '@/components/dashboard/not-built';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  await requireSession();
  return (
    <NotBuiltYet title="Settings">
      <p>
        Organization settings (session lifetimes, single sign-on, two-factor enforcement, SCIM, API tokens, audit streaming) are
        not built yet. Sessions currently end after 8 hours idle or 24 hours in all.
      </p>
    </NotBuiltYet>
  );
}
