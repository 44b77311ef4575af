import { NotBuiltYet } from '@/components/dashboard/not-built';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'Apps' };

export default async function AppsPage() {
  await requireSession();
  return (
    <NotBuiltYet title="Apps">
      <p>Apps, their folders and who may use, edit or own them arrive with permission groups.</p>
      <p>The app builder and its queries follow after that.</p>
    </NotBuiltYet>
  );
}
