'use client';

import { ActionForm } from '@/components/form/action-form';
import { setTwoFactorRequirementAction } from './actions';

export function TwoFactorRequirementForm({ required }: { required: boolean }) {
  return (
    <ActionForm
      action={setTwoFactorRequirementAction}
      submitLabel="Save"
      className="flex items-center gap-4 text-sm"
      success={() => <span className="text-green-700">Saved.</span>}
    >
      <label className="flex items-center gap-2">
        <input type="checkbox" name="required" defaultChecked={required} /> Require two-factor authentication for everyone
      </label>
    </ActionForm>
  );
}
