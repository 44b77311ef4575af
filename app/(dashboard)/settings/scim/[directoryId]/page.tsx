import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { getDirectory, listScimRequests, scimBaseUrl, SCIM_REQUEST_LOG_SIZE } from '@/lib/scim/directories';
import { requestOrigin } from '@/lib/server/request';
import { setDirectoryPausedAction } from '../actions';
import { DeleteDirectoryForm, RotateTokenForm } from '../forms';

export const metadata = { title: 'SCIM directory' };

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

export default async function DirectoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ directoryId: string }>;
  searchParams: Promise<{ errors?: string }>;
}) {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="SCIM directory" reason="Only admins can manage SCIM directories." />;
  const { directoryId } = await params;
  const errorsOnly = (await searchParams).errors === '1';
  const directory = await getDirectory(viewer.orgId, directoryId);
  if (!directory) notFound();
  const [requests, origin] = await Promise.all([listScimRequests(directory.id), requestOrigin()]);
  const shown = errorsOnly ? requests.filter((r) => r.status >= 400) : requests;
  return (
    <div className="space-y-6">
      <PageHeader
        title={directory.name}
        description={
          <Link href="/settings/scim" className="text-brand-600 hover:underline">
            ← SCIM provisioning
          </Link>
        }
      >
        {directory.paused ? <Badge tone="amber">paused</Badge> : <Badge tone="green">active</Badge>}
      </PageHeader>
      <Card title="Connection">
        <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm">
          <dt className="text-slate-500">Base URL</dt>
          <dd className="font-mono text-xs" data-testid="directory-url">
            {scimBaseUrl(origin, directory.id)}
          </dd>
          <dt className="text-slate-500">Token</dt>
          <dd>
            <span className="font-mono text-xs">{directory.tokenPrefix}…</span>{' '}
            <span className="text-slate-500">issued {when.format(directory.tokenRotatedAt)} UTC</span>
          </dd>
          <dt className="text-slate-500">Authentication</dt>
          <dd>
            HTTP header <code>Authorization: Bearer &lt;token&gt;</code>
          </dd>
        </dl>
        <div className="mt-4 flex flex-wrap items-start gap-3">
          <RotateTokenForm directoryId={directory.id} />
          <ActionForm
            action={setDirectoryPausedAction}
            submitLabel={directory.paused ? 'Resume' : 'Pause'}
            variant="secondary"
            className="flex items-center gap-2"
          >
            <input type="hidden" name="directoryId" value={directory.id} />
            <input type="hidden" name="paused" value={directory.paused ? 'false' : 'true'} />
          </ActionForm>
          <DeleteDirectoryForm directoryId={directory.id} />
        </div>
        <p className="mt-3 text-xs text-slate-500">
          While paused, the directory answers 503 and identity providers retry later, so no change is lost.
        </p>
      </Card>
      <section className="space-y-2">
        <div className="flex items-center justify-between">
          <h2 className="text-lg font-semibold">Request log</h2>
          <Link
            href={errorsOnly ? `/settings/scim/${directory.id}` : `/settings/scim/${directory.id}?errors=1`}
            className="text-sm text-brand-600 hover:underline"
          >
            {errorsOnly ? 'Show all requests' : 'Show errors only'}
          </Link>
        </div>
        <p className="text-sm text-slate-500">
          The last {SCIM_REQUEST_LOG_SIZE.toLocaleString('en')} requests, newest first. Bodies are not kept.
        </p>
        <Table testId="scim-requests">
          <thead>
            <tr>
              <Th>Time (UTC)</Th>
              <Th>Request</Th>
              <Th>Status</Th>
              <Th>Error</Th>
              <Th>ms</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {shown.map((r) => (
              <tr key={r.id}>
                <Td className="whitespace-nowrap text-slate-600">{when.format(r.createdAt)}</Td>
                <Td className="font-mono text-xs">
                  {r.method} {r.path}
                </Td>
                <Td>{r.status >= 400 ? <Badge tone="red">{r.status}</Badge> : <Badge tone="green">{r.status}</Badge>}</Td>
                <Td className="text-slate-600">{r.error}</Td>
                <Td className="text-slate-600">{r.durationMs}</Td>
              </tr>
            ))}
            {shown.length === 0 ? (
              <tr>
                <Td className="text-slate-500">No requests yet.</Td>
              </tr>
            ) : null}
          </tbody>
        </Table>
      </section>
    </div>
  );
}
