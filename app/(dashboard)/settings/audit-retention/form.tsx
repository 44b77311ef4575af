'use client';

import { ActionForm } from '@/components/form/action-form';
import { Input } from '@/components/ui/fields';
import { updateRetentionAction } from './actions';

/** A client component: its success renderer is a function, which a server page cannot pass down. */
export function RetentionForm({ retentionDays, legalHold }: { retentionDays: number; legalHold: boolean }) {
  return (
    <ActionForm
      action={updateRetentionAction}
      submitLabel="Save"
      className="grid max-w-xl grid-cols-[12rem_1fr] items-center gap-3 text-sm"
      success={() => <span className="text-green-700">Saved.</span>}
    >
      <label htmlFor="r-days">Keep events for (days)</label>
      <Input id="r-days" name="retentionDays" type="number" min={30} max={3650} defaultValue={retentionDays} />
      <label htmlFor="r-hold">Legal hold</label>
      <span>
        <input id="r-hold" type="checkbox" name="legalHold" defaultChecked={legalHold} /> Delete nothing while on
      </span>
      <span />
    </ActionForm>
  );
}
