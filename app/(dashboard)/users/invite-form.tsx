'use client';

import { ActionForm } from '@/components/form/action-form';
import { Input, Select } from '@/components/ui/fields';
import { inviteUserAction } from './actions';

export function InviteForm({ groups }: { groups: { id: string; name: string }[] }) {
  return (
    <ActionForm
      action={inviteUserAction}
      submitLabel="Invite"
      resetOnSuccess
      className="flex flex-wrap items-center gap-2"
      success={(d) => (
        <div className="w-full rounded-md border border-green-200 bg-green-50 p-3 text-sm" data-testid="invite-result">
          <p className="font-medium text-green-900">
            {d.emailed ? `Invitation emailed to ${d.email}.` : `Invitation for ${d.email} created.`} Share this link; it works once and expires in 7 days:
          </p>
          <input readOnly value={d.link} aria-label="Invitation link" className="mt-2 w-full rounded border border-green-300 bg-white px-2 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          {d.emailError ? <p className="mt-1 text-red-700">{d.emailError}</p> : null}
        </div>
      )}
    >
      <Input name="email" type="email" placeholder="name@company.com" aria-label="Email to invite" required className="w-64" />
      <Select name="groupId" aria-label="Add to group" defaultValue="">
        <option value="">No group</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </Select>
    </ActionForm>
  );
}
