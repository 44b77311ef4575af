'use client';

import { ActionForm } from '@/components/form/action-form';
import { setBreakGlassAdminAction, setSsoEnforcementAction } from './actions';

export function SsoEnforcementForm({ enforced }: { enforced: boolean }) {
  return (
    <ActionForm
      action={setSsoEnforcementAction}
      submitLabel="Update enforcement"
      className="flex flex-wrap items-center gap-4 text-sm"
      success={() => <span className="text-green-700">Saved.</span>}
    >
      <label className="flex items-center gap-2">
        <input type="checkbox" name="enforced" defaultChecked={enforced} /> Enforce SSO (password sign-in only for break-glass admins)
      </label>
    </ActionForm>
  );
}

export function BreakGlassToggle({ userId, email, designated }: { userId: string; email: string; designated: boolean }) {
  return (
    <ActionForm
      action={setBreakGlassAdminAction}
      submitLabel={designated ? 'Remove' : 'Make break-glass'}
      variant="secondary"
      className="flex items-center gap-2 text-sm"
    >
      <input type="hidden" name="userId" value={userId} />
      {designated ? null : <input type="hidden" name="designated" value="on" />}
      <span className="sr-only">{email}</span>
    </ActionForm>
  );
}
