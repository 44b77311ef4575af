import { NotBuiltYet } from '@/components/dashboard/not-built';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'Users' };

export default async function UsersPage() {
  await requireSession();
  return (
    <NotBuiltYet title="Users">
      <p>Inviting, disabling and reviewing users from this page is not built yet.</p>
      <p>
        Operators can add users now with <code className="font-mono">npm run gatehouse -- user create</code>.
      </p>
    </NotBuiltYet>
  );
}
