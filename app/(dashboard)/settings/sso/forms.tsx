'use client';

import { ActionForm } from '@/components/form/action-form';
import { Input, Select } from '@/components/ui/fields';
import type { SsoConnectionView } from '@/lib/sso/connections';
import { saveSsoConnectionAction } from './actions';

const label = 'text-sm font-medium text-slate-700';

/** The OIDC connection form; the client secret is write-only (blank keeps the stored one). */
export function SsoConnectionForm({ connection, groups }: { connection: SsoConnectionView | null; groups: { id: string; name: string }[] }) {
  return (
    <ActionForm action={saveSsoConnectionAction} submitLabel={connection ? 'Save connection' : 'Add connection'} className="grid max-w-3xl grid-cols-[12rem_1fr] items-start gap-3 text-sm" success={() => <span className="text-green-700">Saved.</span>}>
      <label htmlFor="sso-discovery" className={label}>Discovery URL</label>
      <Input id="sso-discovery" name="discoveryUrl" required defaultValue={connection?.discoveryUrl} placeholder="https://idp.example.com/.well-known/openid-configuration" />
      <label htmlFor="sso-client-id" className={label}>Client ID</label>
      <Input id="sso-client-id" name="clientId" required defaultValue={connection?.clientId} autoComplete="off" />
      <label htmlFor="sso-client-secret" className={label}>Client secret</label>
      <Input id="sso-client-secret" name="clientSecret" type="password" autoComplete="new-password" placeholder={connection ? 'Stored — leave blank to keep it' : ''} />
      <label htmlFor="sso-email-claim" className={label}>Email claim</label>
      <Input id="sso-email-claim" name="emailClaim" defaultValue={connection?.emailClaim ?? 'email'} />
      <label htmlFor="sso-name-claim" className={label}>Name claim</label>
      <Input id="sso-name-claim" name="nameClaim" defaultValue={connection?.nameClaim ?? 'name'} />
      <label htmlFor="sso-groups-claim" className={label}>Groups claim</label>
      <Input id="sso-groups-claim" name="groupsClaim" defaultValue={connection?.groupsClaim ?? 'groups'} />
      <label htmlFor="sso-jit" className={label}>Just-in-time provisioning</label>
      <span>
        <input id="sso-jit" type="checkbox" name="jitEnabled" defaultChecked={connection?.jitEnabled ?? false} /> Create an account for people your provider signs in who have none yet.
        Off: they are refused until invited.
      </span>
      <label htmlFor="sso-default-group" className={label}>Default group for new users</label>
      <Select id="sso-default-group" name="defaultGroupId" defaultValue={connection?.defaultGroupId ?? ''}>
        <option value="">None (All Users only)</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </Select>
      <label htmlFor="sso-mappings" className={label}>Group mapping</label>
      <span>
        <textarea
          id="sso-mappings"
          name="groupMappings"
          rows={4}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
          defaultValue={connection?.groupMappings.map((m) => `${m.idpGroup} => ${m.groupName}`).join('\n')}
          placeholder="engineering => Engineers"
        />
        <span className="text-xs text-slate-500">
          One per line: the value in the groups claim =&gt; a Gatehouse group. Applied at every SSO sign-in: mapped groups are added or removed to match.
        </span>
      </span>
      <span />
    </ActionForm>
  );
}
