import { NotBuiltYet } from '@/components/dashboard/not-built';
import { requireSession } from '@/lib/auth/session';

export const metadata = { title: 'Workflows' };

export default async function WorkflowsPage() {
  await requireSession();
  return (
    <NotBuiltYet title="Workflows">
      <p>Workflows will exist as named objects in folders, governed by Use / Edit / Own like apps. They are not built yet.</p>
    </NotBuiltYet>
  );
}
