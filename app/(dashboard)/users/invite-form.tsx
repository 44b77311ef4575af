'use client';

import { ActionForm } from '@/components/form/action-form';
import { CopyOnce } from '@/components/ui/copy-once';
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
        <CopyOnce label="Invitation link" value={d.link} testId="invite-result">
          {d.emailed ? `Invitation emailed to ${d.email}.` : `Invitation for ${d.email} created.`} Share this link; it works once and
          expires in 7 days.
          {d.emailError ? <p className="mt-1 font-normal text-red-700">{d.emailError}</p> : null}
        </CopyOnce>
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
