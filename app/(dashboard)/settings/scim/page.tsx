import Link from 'next/link';
import { NoAccess } from '@/components/dashboard/no-access';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { listDirectories, scimBaseUrl } from '@/lib/scim/directories';
import { requestOrigin } from '@/lib/server/request';
import { CreateDirectoryForm } from './forms';

export const metadata = { title: 'SCIM provisioning' };

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export default async function ScimPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="SCIM provisioning" reason="Only admins can manage SCIM directories." />;
  const [directories, origin] = await Promise.all([listDirectories(viewer.orgId), requestOrigin()]);
  return (
    <div className="space-y-6">
      <PageHeader
        title="SCIM provisioning"
        description="Let Okta, Microsoft Entra ID or another identity provider create, update and deactivate users and groups. Each directory has its own base URL and token."
      />
      <Card title="New directory">
        <CreateDirectoryForm />
      </Card>
      <Table testId="directories">
        <thead>
          <tr>
            <Th>Directory</Th>
            <Th>Base URL</Th>
            <Th>Users</Th>
            <Th>Groups</Th>
            <Th>Last request</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {directories.map((d) => (
            <tr key={d.id} data-directory={d.id}>
              <Td>
                <Link href={`/settings/scim/${d.id}`} className="font-medium text-brand-600 hover:underline">
                  {d.name}
                </Link>{' '}
                {d.paused ? <Badge tone="amber">paused</Badge> : null}
              </Td>
              <Td className="font-mono text-xs text-slate-600">{scimBaseUrl(origin, d.id)}</Td>
              <Td>{d.users}</Td>
              <Td>{d.groups}</Td>
              <Td className="whitespace-nowrap text-slate-600">{d.lastRequestAt ? `${when.format(d.lastRequestAt)} UTC` : 'Never'}</Td>
            </tr>
          ))}
          {directories.length === 0 ? (
            <tr>
              <Td className="text-slate-500">No directories yet.</Td>
            </tr>
          ) : null}
        </tbody>
      </Table>
    </div>
  );
}
