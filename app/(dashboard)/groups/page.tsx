import { NotBuiltYet } from '@/components/dashboard/not-built';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'Groups' };

export default async function GroupsPage() {
  await requireSession();
  return (
    <NotBuiltYet title="Permission groups">
      <p>
        Every organization already has the built-in <strong>Admin</strong> and <strong>All Users</strong> groups. Custom groups
        and their Use / Edit / Own grants are not built yet.
      </p>
    </NotBuiltYet>
  );
}
