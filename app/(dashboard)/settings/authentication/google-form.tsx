'use client';

import { ActionForm } from '@/components/form/action-form';
import { ProvisioningFields } from '@/components/settings/provisioning-fields';
import type { GoogleSignInSettings } from '@/lib/auth/google';
import { saveGoogleSettingsAction } from './actions';

export function GoogleSettingsForm({ settings, groups }: { settings: GoogleSignInSettings; groups: { id: string; name: string }[] }) {
  const label = 'block text-sm font-medium text-slate-700';
  return (
    <ActionForm
      action={saveGoogleSettingsAction}
      submitLabel="Update Google sign-in"
      className="space-y-3 text-sm"
      success={() => <span className="ml-3 text-green-700">Saved.</span>}
    >
      <label className="flex items-center gap-2">
        <input type="checkbox" name="enabled" defaultChecked={settings.enabled} /> Offer “Sign in with Google”
      </label>
      <label htmlFor="google-domains" className={label}>
        Allowed Google Workspace domains
      </label>
      <textarea
        id="google-domains"
        name="allowedDomains"
        rows={2}
        defaultValue={settings.allowedDomains.join('\n')}
        className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
        placeholder="example.com"
      />
      <p className="text-xs text-slate-500">
        One per line, checked against the account’s hosted domain. Empty: any Google account whose email Google has verified.
      </p>
      <ProvisioningFields
        idPrefix="google"
        jitLabel="Google just-in-time provisioning"
        jitEnabled={settings.jitEnabled}
        defaultGroupId={settings.defaultGroupId}
        groups={groups}
        labelClassName={label}
      />
    </ActionForm>
  );
}
