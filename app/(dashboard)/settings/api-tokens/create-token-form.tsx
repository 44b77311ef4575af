'use client';

import { ActionForm } from '@/components/form/action-form';
import { CopyOnce } from '@/components/ui/copy-once';
import { Input, Select } from '@/components/ui/fields';
import { createApiTokenAction } from './actions';

export function CreateTokenForm({ scopes }: { scopes: readonly string[] }) {
  return (
    <ActionForm
      action={createApiTokenAction}
      submitLabel="Create token"
      resetOnSuccess
      className="space-y-3"
      success={(d) => (
        <CopyOnce label="New API token" value={d.token} testId="new-token">
          Copy this token now. It will not be shown again.
        </CopyOnce>
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Input name="note" placeholder="What is it for?" aria-label="Note" className="w-72" />
        <Select name="expiresIn" aria-label="Expires" defaultValue="90d">
          <option value="7d">Expires in 7 days</option>
          <option value="30d">Expires in 30 days</option>
          <option value="90d">Expires in 90 days</option>
          <option value="365d">Expires in a year</option>
          <option value="never">Never expires</option>
        </Select>
      </div>
      <fieldset className="grid grid-cols-2 gap-1 text-sm sm:grid-cols-3">
        <legend className="mb-1 text-sm font-medium">Scopes</legend>
        {scopes.map((s) => (
          <label key={s} className="flex items-center gap-2 font-mono text-xs">
            <input type="checkbox" name={`scope:${s}`} /> {s}
          </label>
        ))}
      </fieldset>
    </ActionForm>
  );
}
