import Link from 'next/link';
import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listVisibleObjects } from '@/lib/objects/reads';
import { listLibraryQueries } from '@/lib/query-library/reads';
import { LibraryQueryForm } from './forms';

export const metadata = { title: 'Query library' };

const EMPTY_QUERY = {
  name: '',
  description: '',
  resourceId: '',
  type: 'sql',
  sql: '',
  method: 'GET',
  path: '/',
  params: '',
  body: '',
  disableLoggingFor: '',
} as const;

export default async function QueryLibraryPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'view', { kind: 'org', area: 'query_library' })) {
    return <NoAccess title="Query library" reason="None of your groups has access to the query library." />;
  }
  const queries = await listLibraryQueries(viewer.snapshot);
  const canEdit = allowed(viewer, 'edit', { kind: 'org', area: 'query_library' });
  const resources = canEdit ? (await listVisibleObjects(viewer.snapshot, 'resource', { limit: 200 })).items : [];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Query library"
        description="Saved queries shared across apps. An app uses a library query at a version, so editing one here never changes a released app."
      />
      <Table testId="library-queries">
        <thead>
          <tr>
            <Th>Query</Th>
            <Th>Resource</Th>
            <Th>Version</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {queries.length === 0 ? (
            <tr>
              <Td>No saved queries yet.</Td>
            </tr>
          ) : (
            queries.map((q) => (
              <tr key={q.id} data-query={q.name}>
                <Td>
                  <Link href={`/query-library/${q.id}`} className="font-medium text-brand-700 hover:underline">
                    {q.name}
                  </Link>{' '}
                  <Badge>{q.type.toUpperCase()}</Badge>
                  {q.description ? <p className="text-xs text-slate-500">{q.description}</p> : null}
                </Td>
                <Td>{q.resourceName}</Td>
                <Td>v{q.latestVersion}</Td>
              </tr>
            ))
          )}
        </tbody>
      </Table>
      {canEdit ? (
        <Card title="New library query">
          <LibraryQueryForm resources={resources.map((r) => ({ id: r.id, name: r.name }))} initial={{ ...EMPTY_QUERY }} />
        </Card>
      ) : null}
    </div>
  );
}
