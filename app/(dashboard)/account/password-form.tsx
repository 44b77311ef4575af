'use client';

import { ActionForm } from '@/components/form/action-form';
import { Input } from '@/components/ui/fields';
import { changePasswordAction } from './actions';

/** A client component: its success renderer is a function, which a server page cannot pass down. */
export function ChangePasswordForm() {
  return (
    <ActionForm
      action={changePasswordAction}
      submitLabel="Change password"
      resetOnSuccess
      className="grid max-w-xl gap-3 text-sm sm:grid-cols-[12rem_1fr] sm:items-center"
      success={({ sessionsRevoked }) => (
        <span role="status" className="text-green-700">
          Password changed.{' '}
          {sessionsRevoked
            ? `${sessionsRevoked} other session${sessionsRevoked === 1 ? '' : 's'} signed out.`
            : 'No other session was open.'}
        </span>
      )}
    >
      <label htmlFor="pw-current">Current password</label>
      <Input id="pw-current" name="currentPassword" type="password" autoComplete="current-password" className="w-full sm:w-72" />
      <label htmlFor="pw-new">New password</label>
      <Input id="pw-new" name="newPassword" type="password" autoComplete="new-password" className="w-full sm:w-72" />
      <span className="hidden sm:block" />
    </ActionForm>
  );
}
