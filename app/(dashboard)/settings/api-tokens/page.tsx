import Link from 'next/link';
import { NoAccess } from '@/components/dashboard/no-access';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Badge, PageHeader, Table, Td, Th } from '@/components/ui/fields';
import { listApiTokens } from '@/lib/api-tokens/reads';
import { API_SCOPES } from '@/lib/api-tokens/scopes';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { revokeApiTokenAction } from './actions';
import { CreateTokenForm } from './create-token-form';

export const metadata = { title: 'API tokens' };

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const fmt = (d: Date | null, none: string) => (d ? `${when.format(d)} UTC` : none);

export default async function ApiTokensPage() {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' }))
    return <NoAccess title="API tokens" reason="Only admins can manage API tokens." />;
  const tokens = await listApiTokens(viewer.orgId);
  const now = new Date();
  return (
    <div className="space-y-6">
      <PageHeader
        title="API tokens"
        description="Tokens for the public REST API. A token acts as the admin who created it, within its scopes, and stops working if that admin is disabled."
      >
        <Link href="/api-reference" className="text-sm font-medium text-brand-600 hover:underline">
          API reference
        </Link>
      </PageHeader>
      <Card title="New token">
        <CreateTokenForm scopes={API_SCOPES} />
      </Card>
      <Table testId="tokens">
        <thead>
          <tr>
            <Th>Token</Th>
            <Th>Scopes</Th>
            <Th>Created</Th>
            <Th>Expires</Th>
            <Th>Last used</Th>
            <Th />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tokens.map((t) => {
            const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= now ? 'expired' : 'active';
            return (
              <tr key={t.id} data-token={t.id}>
                <Td>
                  <span className="font-mono text-xs">{t.prefix}…</span> <span className="text-slate-600">{t.note}</span>{' '}
                  {state === 'active' ? null : <Badge tone="red">{state}</Badge>}
                </Td>
                <Td className="font-mono text-xs text-slate-600">{t.scopes.join(' ')}</Td>
                <Td className="whitespace-nowrap text-slate-600">
                  {fmt(t.createdAt, '')}
                  <div className="text-xs">{t.createdByEmail ?? 'operator (CLI)'}</div>
                </Td>
                <Td className="whitespace-nowrap text-slate-600">{fmt(t.expiresAt, 'Never')}</Td>
                <Td className="whitespace-nowrap text-slate-600">{fmt(t.lastUsedAt, 'Never')}</Td>
                <Td>
                  {state === 'active' ? (
                    <ActionForm action={revokeApiTokenAction} submitLabel="Revoke" variant="danger" className="flex items-center gap-2">
                      <input type="hidden" name="tokenId" value={t.id} />
                    </ActionForm>
                  ) : null}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </div>
  );
}
