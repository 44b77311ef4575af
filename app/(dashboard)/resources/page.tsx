import { NotBuiltYet } from '@/components/dashboard/not-built';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'Resources' };

export default async function ResourcesPage() {
  await requireSession();
  return (
    <NotBuiltYet title="Resources">
      <p>Database and API connections, with credentials encrypted at rest and per-environment configuration, are not built yet.</p>
    </NotBuiltYet>
  );
}
