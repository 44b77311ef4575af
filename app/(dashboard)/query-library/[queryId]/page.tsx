import { notFound } from 'next/navigation';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { isAppError } from '@/lib/errors';
import { listVisibleObjects } from '@/lib/objects/reads';
import { getLibraryQuery } from '@/lib/query-library/reads';
import { deleteLibraryQueryAction } from '../actions';
import { LibraryQueryForm, type LibraryQueryFormValues } from '../forms';

export const metadata = { title: 'Library query' };

export default async function LibraryQueryPage({ params }: { params: Promise<{ queryId: string }> }) {
  const { queryId } = await params;
  const viewer = await requireViewer();
  if (!allowed(viewer, 'view', { kind: 'org', area: 'query_library' })) {
    return <NoAccess title="Query library" reason="None of your groups has access to the query library." />;
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(queryId)) notFound();
  const query = await getLibraryQuery(viewer.snapshot, queryId).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const latest = query.versions.find((v) => v.version === query.latestVersion);
  const canEdit = allowed(viewer, 'edit', { kind: 'org', area: 'query_library' });
  if (!latest) {
    // Deleting a resource deletes the versions that ran on it.
    return (
      <div className="space-y-6">
        <PageHeader title={query.name} description="The resource of this query's latest version was deleted, and that version with it." />
        {canEdit ? (
          <ActionForm action={deleteLibraryQueryAction} submitLabel="Delete query" variant="danger" confirm={`Delete ${query.name}?`}>
            <input type="hidden" name="libraryQueryId" value={query.id} />
          </ActionForm>
        ) : null}
      </div>
    );
  }
  const resources = canEdit
    ? (await listVisibleObjects(viewer.snapshot, 'resource', { limit: 200 })).items.map((r) => ({ id: r.id, name: r.name }))
    : [];
  if (canEdit && !resources.some((r) => r.id === latest.resourceId))
    resources.unshift({ id: latest.resourceId, name: latest.resourceName });
  const b = latest.body;
  const initial: LibraryQueryFormValues = {
    name: query.name,
    description: query.description,
    resourceId: latest.resourceId,
    type: b.type,
    sql: b.type === 'sql' ? b.sql : '',
    method: b.type === 'rest' ? b.method : 'GET',
    path: b.type === 'rest' ? b.path : '/',
    params: b.type === 'rest' ? b.params.map((p) => `${p.name}=${p.value}`).join('\n') : '',
    body: b.type === 'rest' ? (b.body ?? '') : '',
    disableLoggingFor: b.disableLoggingFor.join(', '),
  };
  return (
    <div className="space-y-6">
      <PageHeader
        title={query.name}
        description={`Version ${query.latestVersion}. Use it in an app as { "type": "library", "name": "…", "libraryQueryId": "${query.id}", "version": ${query.latestVersion} }.`}
      />
      {canEdit ? (
        <Card title="Edit">
          <LibraryQueryForm libraryQueryId={query.id} resources={resources} initial={initial} />
        </Card>
      ) : (
        <Card title="Query">
          <pre className="overflow-x-auto whitespace-pre-wrap text-sm" data-testid="library-query-body">
            {b.type === 'sql' ? b.sql : `${b.method} ${b.path}`}
          </pre>
        </Card>
      )}
      <Table testId="library-query-versions">
        <thead>
          <tr>
            <Th>Version</Th>
            <Th>Resource</Th>
            <Th>Saved</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {query.versions.map((v) => (
            <tr key={v.version}>
              <Td>v{v.version}</Td>
              <Td>{v.resourceName}</Td>
              <Td>{v.createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {canEdit ? (
        <ActionForm
          action={deleteLibraryQueryAction}
          submitLabel="Delete query"
          variant="danger"
          confirm={`Delete ${query.name}? Apps that use it will fail to run it until they are changed.`}
        >
          <input type="hidden" name="libraryQueryId" value={query.id} />
        </ActionForm>
      ) : null}
    </div>
  );
}
