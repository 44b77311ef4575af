'use client';

import { ActionForm } from '@/components/form/action-form';
import { setQuerySpoofingPreventionAction } from './actions';

export function QueryProtectionForm({ enabled }: { enabled: boolean }) {
  return (
    <ActionForm
      action={setQuerySpoofingPreventionAction}
      submitLabel="Save"
      className="flex items-center gap-4 text-sm"
      success={() => <span className="text-green-700">Saved.</span>}
    >
      <label className="flex items-center gap-2">
        <input type="checkbox" name="enabled" defaultChecked={enabled} /> Prevent query variable spoofing
      </label>
    </ActionForm>
  );
}
